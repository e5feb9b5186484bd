/// A file a run published.
public struct ReportFileRecord: Sendable, Equatable {
    public let name: String
    public let path: String
    public let bytes: Int
    /// SHA-256 of the file's bytes, hex: equal across re-runs of the same inputs.
    public let sha256: String
}

/// One total of a section: an integer column summed over the rows of one currency.
public struct ReportTotal: Sendable, Equatable {
    /// A currency code, or `all` for sections without a currency column.
    public let currency: String
    /// The column as the SQL names it (`day_spend_micros`).
    public let column: String
    /// Micro-units for money columns, a count otherwise.
    public let value: Int64
    public let isMoney: Bool

    public init(currency: String, column: String, value: Int64, isMoney: Bool) {
        self.currency = currency
        self.column = column
        self.value = value
        self.isMoney = isMoney
    }
}

/// What one section produced.
public struct ReportSectionResult: Sendable, Equatable {
    public let name: String
    public let title: String
    public let rowCount: Int
    public let totals: [ReportTotal]

    /// The total of a column (its SQL name) in a currency; 0 when no row had that currency.
    public func total(_ column: String, currency: String) -> Int64 {
        totals.first { $0.column == column && $0.currency == currency }?.value ?? 0
    }
}

/// A finished run: its `report_runs` id, the files in the order written, and the sections.
public struct ReportOutcome: Sendable, Equatable {
    public let runID: Int64
    public let files: [ReportFileRecord]
    public let sections: [ReportSectionResult]

    public func section(_ name: String) -> ReportSectionResult? {
        sections.first { $0.name == name }
    }
}

/// Hears how a run advances. Called on the database connection's thread, so implementations
/// must be quick and thread-safe (the CLI's progress bar throttles its redraws).
public protocol ReportProgress: Sendable {
    /// Once, before the first section, with the section names in order.
    func started(sections: [String])
    /// Rows streamed so far in the section at `index` (after each batch, and at its end).
    func rowsStreamed(section index: Int, rows: Int)
    /// The section at `index` is fully written.
    func sectionFinished(section index: Int, rows: Int)
    /// Everything is written and published.
    func finished()
}
