/// One bar: a label (a user, a provider, a day) and its summed value.
struct ChartBar: Equatable {
    let label: String
    let value: Int64
}

/// The bars of one currency, ready to draw.
struct ChartSeries: Equatable {
    let currency: String
    let bars: [ChartBar]
    /// Bars left out: beyond `top N`, or beyond `ReportLimits.chartBarsMax` in row order.
    let omitted: Int
}

/// Collects a section's chart while its rows stream past, in bounded memory: consecutive rows
/// with one label (per currency) are summed into a bar, and only the bars to draw are kept — the
/// largest N in a sorted array of at most N, or the first `chartBarsMax` in row order.
struct ChartAccumulator {
    let directive: ChartDirective
    let section: String
    private let labelIndex: Int
    private let valueIndex: Int
    private let currencyIndex: Int?
    let valueColumn: ReportColumn
    private var open: [String: ChartBar] = [:]
    private var kept: [String: [ChartBar]] = [:]
    private var omitted: [String: Int] = [:]
    /// For a line chart (`per <column>`): the series column and the points collected.
    private let seriesIndex: Int?
    private(set) var lines = LineChartCollector()

    init(directive: ChartDirective, section: String, columns: [ReportColumn], file: String) throws(ReportError) {
        guard let labelIndex = columns.firstIndex(where: { $0.sourceName == directive.labelColumn }) else {
            throw .definitionInvalid(
                file: file, reason: "chart label column \(directive.labelColumn) is not a column of the query")
        }
        guard let valueIndex = columns.firstIndex(where: { $0.sourceName == directive.valueColumn }) else {
            throw .definitionInvalid(
                file: file, reason: "chart value column \(directive.valueColumn) is not a column of the query")
        }
        if let series = directive.series {
            guard let index = columns.firstIndex(where: { $0.sourceName == series }) else {
                throw .definitionInvalid(
                    file: file, reason: "chart series column \(series) is not a column of the query")
            }
            seriesIndex = index
        } else {
            seriesIndex = nil
        }
        self.directive = directive
        self.section = section
        self.labelIndex = labelIndex
        self.valueIndex = valueIndex
        self.currencyIndex = columns.firstIndex { $0.sourceName == "currency" }
        self.valueColumn = columns[valueIndex]
    }

    mutating func add(_ cells: [ReportCell]) throws(ReportError) {
        let label: String
        switch cells[labelIndex] {
        case .text(let text): label = text
        case .integer(let number): label = String(number)
        case .boolean(let flag): label = flag ? "true" : "false"
        case .null: label = "(none)"
        }
        let value: Int64
        switch cells[valueIndex] {
        case .integer(let number): value = number
        case .null: value = 0
        case .text, .boolean:
            throw .unsupportedColumn(
                section: section, column: directive.valueColumn, reason: "a chart value must be an integer column")
        }
        var currency = SectionTotals.noCurrency
        if let currencyIndex, case .text(let code) = cells[currencyIndex] { currency = code }
        if let seriesIndex {
            try lines.add(
                label: label, series: Self.text(cells[seriesIndex]), value: value, currency: currency, section: section,
                column: directive.valueColumn)
            return
        }

        if let current = open[currency], current.label == label {
            let (sum, overflow) = current.value.addingReportingOverflow(value)
            guard !overflow else { throw .totalOverflow(section: section, column: directive.valueColumn) }
            open[currency] = ChartBar(label: label, value: sum)
        } else {
            if let current = open[currency] { keep(current, currency: currency) }
            open[currency] = ChartBar(label: label, value: value)
        }
    }

    /// The series per currency, in currency byte order.
    mutating func finish() -> [ChartSeries] {
        for (currency, bar) in open { keep(bar, currency: currency) }
        open.removeAll()
        let currencies = Set(kept.keys).union(omitted.keys).sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
        return currencies.map { ChartSeries(currency: $0, bars: kept[$0] ?? [], omitted: omitted[$0] ?? 0) }
    }

    private mutating func keep(_ bar: ChartBar, currency: String) {
        if let top = directive.top {
            // Top N: larger first, ties by label, zero and negative values never shown.
            guard bar.value > 0 else { return }
            let bars = kept[currency] ?? []
            if bars.count == top, let last = bars.last, !Self.ranksBefore(bar, last) {
                omitted[currency, default: 0] += 1  // the common case at scale: no copy, no insert
                return
            }
            let position = bars.firstIndex { Self.ranksBefore(bar, $0) } ?? bars.count
            kept[currency, default: []].insert(bar, at: position)
            if kept[currency]!.count > top {
                kept[currency]!.removeLast()
                omitted[currency, default: 0] += 1
            }
        } else if (kept[currency]?.count ?? 0) < ReportLimits.chartBarsMax {
            kept[currency, default: []].append(bar)
        } else {
            omitted[currency, default: 0] += 1
        }
    }

    static func text(_ cell: ReportCell) -> String {
        switch cell {
        case .text(let text): text
        case .integer(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .null: "(none)"
        }
    }

    static func ranksBefore(_ left: ChartBar, _ right: ChartBar) -> Bool {
        if left.value != right.value { return left.value > right.value }
        return Array(left.label.utf8).lexicographicallyPrecedes(Array(right.label.utf8))
    }
}
