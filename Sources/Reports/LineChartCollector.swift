/// One currency's line chart: the labels along the x axis (in row order) and one line per series.
struct LineChartData: Equatable {
    let currency: String
    let labels: [String]
    /// Series in byte order of their names, each with a value per label (0 where it had no row).
    let lines: [LineChartLine]
    /// Labels beyond `ReportLimits.chartBarsMax`, and series beyond `seriesMax`, left out.
    let omittedLabels: Int
    let omittedSeries: Int
}

struct LineChartLine: Equatable {
    let name: String
    let values: [Int64]
}

/// Collects a `chart: <label> by <value> per <series>` chart while its rows stream past, in
/// bounded memory: at most `ReportLimits.chartBarsMax` labels and `seriesMax` series per currency.
/// Rows with one label and series are summed.
struct LineChartCollector {
    static let seriesMax = 12

    private var labels: [String: [String]] = [:]
    private var labelIndex: [String: [String: Int]] = [:]
    private var values: [String: [String: [Int: Int64]]] = [:]
    private var omittedLabels: [String: Set<String>] = [:]
    private var omittedSeries: [String: Set<String>] = [:]

    var isEmpty: Bool { labels.isEmpty && omittedLabels.isEmpty }

    mutating func add(label: String, series: String, value: Int64, currency: String, section: String, column: String)
        throws(ReportError)
    {
        let index: Int
        if let known = labelIndex[currency]?[label] {
            index = known
        } else if (labels[currency]?.count ?? 0) < ReportLimits.chartBarsMax {
            index = labels[currency, default: []].count
            labels[currency, default: []].append(label)
            labelIndex[currency, default: [:]][label] = index
        } else {
            omittedLabels[currency, default: []].insert(label)
            return
        }
        if values[currency]?[series] == nil {
            guard (values[currency]?.count ?? 0) < Self.seriesMax else {
                omittedSeries[currency, default: []].insert(series)
                return
            }
            values[currency, default: [:]][series] = [:]
        }
        let (sum, overflow) = (values[currency]![series]![index] ?? 0).addingReportingOverflow(value)
        guard !overflow else { throw .totalOverflow(section: section, column: column) }
        values[currency]![series]![index] = sum
    }

    /// One chart per currency, in currency byte order.
    func charts() -> [LineChartData] {
        let currencies = Set(labels.keys).union(omittedLabels.keys).sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
        return currencies.map { currency in
            let names = (values[currency] ?? [:]).keys.sorted {
                Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
            }
            let count = labels[currency]?.count ?? 0
            return LineChartData(
                currency: currency, labels: labels[currency] ?? [],
                lines: names.map { name in
                    let points = values[currency]![name]!
                    return LineChartLine(name: name, values: (0..<count).map { points[$0] ?? 0 })
                },
                omittedLabels: omittedLabels[currency]?.count ?? 0, omittedSeries: omittedSeries[currency]?.count ?? 0)
        }
    }
}
