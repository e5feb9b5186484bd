import ArgumentParser
import Basics
import Foundation
import Money
import Postgres
import Reports

/// `videoledger report nightly|spend`: spend reports as CSV, JSON and HTML, each run recorded in
/// `report_runs`. The SQL and the page template are read from `reports/` on every run.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write spend reports (CSV, JSON, HTML) and record each run.",
        discussion: """
            Report definitions (SQL, HTML template) come from --reports-dir, else \
            $VIDEOLEDGER_REPORTS_DIR, else ./reports. Files are written under temporary names and \
            published together only when the report's totals match the ledger's control totals; \
            re-running a date rewrites byte-identical files. A progress bar is drawn on standard \
            error when it is a terminal; otherwise the command is silent unless something fails.

            Exit codes: 0 success; 64 bad input (date, range, format, a day not over yet); \
            66 report definitions missing; 67 unknown user; 69 database unavailable or not \
            migrated; 70 the report's totals disagree with the ledger (nothing published); \
            73 --out cannot be written; 78 report definitions invalid.
            """,
        subcommands: [Nightly.self, Spend.self])

    /// `videoledger report nightly [--date YYYY-MM-DD]`.
    struct Nightly: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The nightly per-user spend report for one UTC day (default: yesterday).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: ReportOutputOptions
        @Option(help: "The UTC day to report, YYYY-MM-DD (default: yesterday).") var date: String?

        func run() async throws {
            try await ReportCLI.run {
                let day: CalendarDay
                if let date {
                    guard let parsed = CalendarDay(iso: date) else {
                        throw ReportError.invalidDate(option: "--date", text: date)
                    }
                    day = parsed
                } else {
                    day = CalendarDay.today().adding(days: -1)!
                }
                let request = NightlyReportRequest(
                    date: day, outputDirectory: output.outputDirectory, formats: try output.formats())
                try request.requireFinished()
                let runner = try await ReportCLI.runner(database: database, output: output)
                defer { Task { await runner.pool.close() } }
                let outcome = try await runner.nightly(request, progress: TerminalProgressBar.ifTerminal())
                ReportCLI.printSummary("nightly \(day)", outcome)
            }
        }
    }

    /// `videoledger report spend --user ID --from DATE --to DATE`.
    struct Spend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One user's spend over an inclusive range of UTC days.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: ReportOutputOptions
        @Option(help: "User id.") var user: String
        @Option(help: "First UTC day, YYYY-MM-DD.") var from: String
        @Option(help: "Last UTC day, YYYY-MM-DD (inclusive; at most 366 days after --from).") var to: String

        func run() async throws {
            try await ReportCLI.run {
                guard let first = CalendarDay(iso: from) else {
                    throw ReportError.invalidDate(option: "--from", text: from)
                }
                guard let last = CalendarDay(iso: to) else { throw ReportError.invalidDate(option: "--to", text: to) }
                let request = try SpendReportRequest(
                    userID: user, from: first, to: last, outputDirectory: output.outputDirectory,
                    formats: try output.formats())
                let runner = try await ReportCLI.runner(database: database, output: output)
                defer { Task { await runner.pool.close() } }
                let outcome = try await runner.spend(request, progress: TerminalProgressBar.ifTerminal())
                ReportCLI.printSummary("spend \(user) \(first)..\(last)", outcome)
            }
        }
    }
}

/// Options both reports share.
struct ReportOutputOptions: ParsableArguments {
    @Option(name: .customLong("out"), help: "Folder for the report files (created if missing).")
    var outputDirectory = "out"

    @Option(help: "Comma-separated formats: csv, json, html.")
    var format = "csv,json,html"

    @Option(
        name: .customLong("reports-dir"), help: "Report definitions (default: $VIDEOLEDGER_REPORTS_DIR or ./reports).")
    var reportsDirectory: String?

    func formats() throws(ReportError) -> Set<ReportFormat> {
        try ReportFormat.parseList(format)
    }
}

/// Error reporting and output shared by the report commands.
enum ReportCLI {
    /// Runs `body`, turning a `ReportError` (or a database that cannot be reached) into one
    /// line on standard error and the documented exit code.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ReportError {
            throw fail(error.description, code: exitCode(error))
        } catch let error as PostgresError {
            throw fail(error.description, code: 69)
        } catch let error as EmbeddedCluster.ClusterError {
            throw fail(error.description, code: 69)
        }
    }

    /// With a read URL, the sections stream from the replica once it has caught up with the
    /// primary (see `ReportRunner`); the process ends with the run, so its pools need no close.
    static func runner(database: DatabaseOptions, output: ReportOutputOptions) async throws -> ReportRunner {
        let pool = try await database.makePool()
        return ReportRunner(
            pool: pool, definitionsDirectory: ReportDefinitions.resolveDirectory(output.reportsDirectory),
            reads: try database.makeReadRouter(primary: pool))
    }

    /// sysexits(3) codes, so cron wrappers can tell bad input from a broken environment.
    static func exitCode(_ error: ReportError) -> Int32 {
        switch error {
        // EX_USAGE
        case .invalidDate, .rangeReversed, .rangeTooLong, .dayNotOver, .unknownFormat, .noFormats: return 64
        case .definitionsMissing, .monthArchived: return 66  // EX_NOINPUT
        case .unknownUser: return 67  // EX_NOUSER
        case .schemaMissing, .database: return 69  // EX_UNAVAILABLE
        case .controlTotalMismatch, .totalOverflow: return 70  // EX_SOFTWARE
        case .outputNotWritable, .outputFailed: return 73  // EX_CANTCREAT
        case .definitionInvalid, .templateInvalid, .unsupportedColumn: return 78  // EX_CONFIG
        }
    }

    /// Prints the message and returns the exit code to throw.
    static func fail(_ message: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("videoledger report: \(message)\n".utf8))
        return ExitCode(code)
    }

    /// A short account of the run, only when a person is watching standard output.
    static func printSummary(_ label: String, _ outcome: ReportOutcome) {
        guard isatty(STDOUT_FILENO) == 1 else { return }
        print("\(label): run \(outcome.runID), \(outcome.files.count) files")
        for file in outcome.files { print("  \(file.path)  \(file.bytes) bytes") }
        for section in outcome.sections {
            let money = section.totals.filter(\.isMoney).prefix(3).map { total in
                "\(total.column.replacingOccurrences(of: "_micros", with: "")) \(DecimalAmount.string(fromMicros: total.value)) \(total.currency)"
            }
            print(
                "  \(section.name): \(section.rowCount) rows"
                    + (money.isEmpty ? "" : "; " + money.joined(separator: ", ")))
        }
    }
}
