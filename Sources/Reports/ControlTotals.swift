import Postgres

/// The last line of defence against a wrong total: `control_totals.sql` sums the same money
/// straight from the ledger (no joins that could drop or double rows) and every total it names
/// must equal the streamed section's total exactly, in every currency either side has.
enum ControlTotals {
    /// Checks rows of (section, column_name, currency, total_micros) against the sections.
    static func verify(_ rows: PostgresRows, against sections: [SectionTotals], file: String) throws(ReportError) {
        guard rows.columnCount == 4 else {
            throw .definitionInvalid(
                file: file,
                reason: "expected 4 columns (section, column_name, currency, total_micros), got \(rows.columnCount)")
        }
        // (section, column) → currency → ledger total. A handful of entries.
        var expected: [String: [String: Int64]] = [:]
        var order: [(section: String, column: String)] = []
        for row in rows {
            let section: String
            let column: String
            let currency: String
            let total: Int64?
            do {
                section = try row.decode(0)
                column = try row.decode(1)
                currency = try row.decode(2)
                total = try row.decodeIfPresent(3)
            } catch {
                throw .definitionInvalid(file: file, reason: error.description)
            }
            let key = section + "\u{0}" + column
            if expected[key] == nil { order.append((section, column)) }
            expected[key, default: [:]][currency, default: 0] += total ?? 0
        }
        for (sectionName, column) in order {
            guard let section = sections.first(where: { $0.section == sectionName }) else {
                throw .definitionInvalid(
                    file: file, reason: "names section \(sectionName), which the report does not have")
            }
            guard section.columns.contains(where: { $0.sourceName == column }) else {
                throw .definitionInvalid(
                    file: file, reason: "names column \(column), which section \(sectionName) does not have")
            }
            let ledger = expected[sectionName + "\u{0}" + column] ?? [:]
            let currencies = Set(ledger.keys).union(section.currencies).sorted()
            for currency in currencies {
                let reported = section.total(column: column, currency: currency)
                let fromLedger = ledger[currency] ?? 0
                guard reported == fromLedger else {
                    throw .controlTotalMismatch(
                        section: sectionName, column: column, currency: currency,
                        ledgerMicros: fromLedger, reportMicros: reported)
                }
            }
        }
    }
}
