import Basics
import Postgres

/// Why a report did not run or did not finish. Every case reads as a sentence an operator can act
/// on; the CLI maps the cases to exit codes (see `ReportCommand`).
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    // Bad input.
    case invalidDate(option: String, text: String)
    case rangeReversed(from: CalendarDay, to: CalendarDay)
    case rangeTooLong(days: Int, daysMax: Int)
    case dayNotOver(CalendarDay)
    case unknownFormat(String)
    case noFormats
    case unknownUser(String)
    /// The report reads a month of transfers that `videoledger archive` moved out of the database.
    case monthArchived(String)
    case outputNotWritable(path: String, reason: String)

    // Definitions in reports/.
    case definitionsMissing(path: String)
    case definitionInvalid(file: String, reason: String)
    case templateInvalid(file: String, reason: String)

    // Data.
    case unsupportedColumn(section: String, column: String, reason: String)
    case totalOverflow(section: String, column: String)
    case controlTotalMismatch(
        section: String, column: String, currency: String, ledgerMicros: Int64, reportMicros: Int64)

    // Environment.
    case schemaMissing
    case database(PostgresError)
    case outputFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidDate(let option, let text):
            return "\(option) '\(text)' is not a date; expected YYYY-MM-DD (UTC), e.g. 2026-01-15"
        case .rangeReversed(let from, let to):
            return "--from \(from) is after --to \(to)"
        case .rangeTooLong(let days, let daysMax):
            return "the range covers \(days) days; at most \(daysMax) days per report"
        case .dayNotOver(let date):
            return "\(date) is not over yet in UTC; a nightly report covers a finished day (default: yesterday)"
        case .unknownFormat(let text):
            return "unknown format '\(text)'; expected a comma-separated list of csv, json, html"
        case .noFormats:
            return "--format names no format; expected a comma-separated list of csv, json, html"
        case .unknownUser(let id):
            return "unknown user '\(id)'"
        case .monthArchived(let month):
            return
                "the transfers of \(month) are archived; restore them first (videoledger archive restore --month \(month))"
        case .outputNotWritable(let path, let reason):
            return "cannot write reports to '\(path)': \(reason)"
        case .definitionsMissing(let path):
            return "no report definitions at '\(path)'; pass --reports-dir or set VIDEOLEDGER_REPORTS_DIR"
        case .definitionInvalid(let file, let reason):
            return "\(file): \(reason)"
        case .templateInvalid(let file, let reason):
            return "\(file): \(reason)"
        case .unsupportedColumn(let section, let column, let reason):
            return "section \(section), column \(column): \(reason)"
        case .totalOverflow(let section, let column):
            return "section \(section), column \(column): the total does not fit in 64-bit micro-units"
        case .controlTotalMismatch(let section, let column, let currency, let ledger, let report):
            return
                "section \(section), column \(column), \(currency): rows sum to \(report) micro-units but the ledger says "
                + "\(ledger); no report was published"
        case .schemaMissing:
            return "the database has no report_runs table; run `videoledger migrate` first"
        case .database(let error):
            return error.description
        case .outputFailed(let path, let reason):
            return "writing \(path) failed: \(reason)"
        }
    }

    /// Wraps anything thrown while running a report as a `ReportError`.
    static func wrap(_ error: any Error) -> ReportError {
        if let error = error as? ReportError { return error }
        if let error = error as? PostgresError { return .database(error) }
        return .database(.server(ServerError(sqlState: "XX000", message: "\(error)")))
    }
}
