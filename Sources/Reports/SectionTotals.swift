/// The totals of one section, summed in integer arithmetic as rows stream past: per currency,
/// every integer column (money in micro-units, counts as counts). A total is exactly the sum of
/// the values written, so a file's rows always add up to its totals.
///
/// Memory is one array per currency seen (a handful), never per row.
struct SectionTotals {
    /// The key for sections without a currency column (counts only).
    static let noCurrency = "all"

    let section: String
    let columns: [ReportColumn]
    let currencyColumn: Int?
    /// currency → per column sum (nil for a column that is not an integer column).
    private(set) var sums: [String: [Int64?]] = [:]
    /// Columns that held at least one integer: only those get a total.
    private(set) var integerColumns: [Bool]

    init(section: String, columns: [ReportColumn]) throws(ReportError) {
        self.section = section
        self.columns = columns
        self.currencyColumn = columns.firstIndex { $0.sourceName == "currency" }
        self.integerColumns = columns.map(\.isMoney)
        if currencyColumn == nil, let money = columns.first(where: \.isMoney) {
            throw .unsupportedColumn(
                section: section, column: money.sourceName,
                reason: "a money column needs a currency column in the same section")
        }
    }

    mutating func add(_ cells: [ReportCell]) throws(ReportError) {
        var currency = Self.noCurrency
        if let currencyColumn {
            guard case .text(let code) = cells[currencyColumn] else {
                throw .unsupportedColumn(
                    section: section, column: "currency", reason: "is NULL or not text; every row needs its currency")
            }
            currency = code
        }
        let width = columns.count
        // Modified in place (no copy of the row per add).
        try Self.accumulate(
            cells, into: &sums[currency, default: Array(repeating: nil, count: width)],
            integerColumns: &integerColumns, columns: columns, section: section)
    }

    private static func accumulate(
        _ cells: [ReportCell], into row: inout [Int64?], integerColumns: inout [Bool],
        columns: [ReportColumn], section: String
    ) throws(ReportError) {
        for index in cells.indices {
            switch cells[index] {
            case .integer(let value):
                integerColumns[index] = true
                let (sum, overflow) = (row[index] ?? 0).addingReportingOverflow(value)
                guard !overflow else { throw .totalOverflow(section: section, column: columns[index].sourceName) }
                row[index] = sum
            case .null:
                continue
            case .text, .boolean:
                if columns[index].isMoney {
                    throw .unsupportedColumn(
                        section: section, column: columns[index].sourceName,
                        reason: "money columns (…_micros) must be bigint micro-units")
                }
            }
        }
    }

    /// Currencies in byte order, for deterministic output.
    var currencies: [String] { sums.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } }

    /// The totals of one currency: (column, sum) for each integer column, in column order.
    func totals(currency: String) -> [(column: ReportColumn, value: Int64)] {
        let row = sums[currency] ?? []
        return columns.indices.compactMap { index in
            guard integerColumns[index] else { return nil }
            return (columns[index], row.indices.contains(index) ? (row[index] ?? 0) : 0)
        }
    }

    /// The total of one column and currency; 0 when no row had that currency.
    func total(column sourceName: String, currency: String) -> Int64 {
        guard let index = columns.firstIndex(where: { $0.sourceName == sourceName }), let row = sums[currency] else {
            return 0
        }
        return row[index] ?? 0
    }
}
