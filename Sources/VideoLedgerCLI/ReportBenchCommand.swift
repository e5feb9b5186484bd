import ArgumentParser
import Basics
import Dispatch
import Foundation
import Postgres
import Reports
import Synchronization

/// `videoledger bench report`: the nightly report over a generated month (10 million ledger
/// transfers, 100,000 users, 30 days at scale 1, and as much again per `--history-months`
/// month before it) beside the same report SQL run bare by `psql` on the same data in the same
/// run. Prints both timings, their ratio and this process's peak
/// RSS. Figures only: nothing here asserts a time.
///
/// The baseline is every SQL file of `reports/nightly/` (sections and control totals), prepared
/// and executed by `psql` with the same date and its output discarded — what the report costs
/// without streaming, formatting, hashing and writing files. Goals: ratio ≤ 1.5, RSS < 200 MB.
struct ReportBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Nightly report over a generated month beside the bare SQL run by psql.")

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("bench-database"), help: "Database the data set is generated in (created when missing).")
    var benchDatabase = "videoledger_bench_reports"

    @Option(help: "Data set size: 1 = 10,000,000 ledger transfers and 100,000 users; 0.1 for a quick run.")
    var scale = 1.0

    @Option(help: "Months of the same size before the report month, for a journal of many months (0-24).")
    var historyMonths = 0

    @Flag(help: "Generate the data set again even when one of this size exists.")
    var regenerate = false

    @Option(help: "Timed rounds; each runs psql then the report, and the best of each is compared (0: spend only).")
    var rounds = 2

    @Option(name: .customLong("out"), help: "Folder for the report files.")
    var outputDirectory = NSTemporaryDirectory() + "videoledger-report-bench"

    @Option(
        name: .customLong("reports-dir"), help: "Report definitions (default: $VIDEOLEDGER_REPORTS_DIR or ./reports).")
    var reportsDirectory: String?

    @Option(help: "The psql program.")
    var psql = "psql"

    @Option(help: "Seconds of the spend route under wrk on the same data (needs wrk; 0 skips it).")
    var spendSeconds = 10

    @Option(help: "wrk connections and pgbench clients for the spend measurement.")
    var connections = 32

    @Option(
        help:
            "Also measure the spend route at this offered rate (requests/s), below what the cores carry, so its p99 is the route's own."
    )
    var spendRate: Int?

    func validate() throws {
        guard scale > 0 && scale <= 10 else { throw ValidationError("--scale must be in (0, 10]") }
        guard (0...20).contains(rounds) else { throw ValidationError("--rounds must be 0 to 20") }
        guard rounds > 0 || spendSeconds > 0 else { throw ValidationError("--rounds 0 needs --spend-seconds") }
        if let spendRate, !(1...100_000).contains(spendRate) || spendRate > connections * 1_000 {
            throw ValidationError("--spend-rate must be 1 to 100000 and at most 1000 per connection")
        }
        guard (0...24).contains(historyMonths) else { throw ValidationError("--history-months must be 0 to 24") }
        guard (0...600).contains(spendSeconds), (1...1_000).contains(connections) else {
            throw ValidationError("--spend-seconds must be 0 to 600, --connections 1 to 1000")
        }
        guard benchDatabase.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw ValidationError("--bench-database must be a lower-case identifier")
        }
    }

    func run() async throws {
        let baseConnection = try await database.connectionString()
        try await Self.createDatabaseIfMissing(baseConnection, name: benchDatabase)
        let connection = Self.connectionString(baseConnection, database: benchDatabase)
        let pool = PostgresPool(.init(connectionString: connection, connectionsMax: 2))
        try await Migrator(pool: pool, directory: database.resolvedMigrationsDirectory).migrate()

        let size = ReportBenchData.size(scale: scale, historyMonths: historyMonths)
        let regenerate = self.regenerate
        let clock = ContinuousClock()
        let generationStart = clock.now
        let (transfers, generated) = try await pool.withSession { session -> (Int64, Bool) in
            if !regenerate, let existing = try ReportBenchData.existing(session, size: size) {
                return (existing, false)
            }
            print("generating \(size.users) users, \(size.jobs) jobs …")
            let transfers = try ReportBenchData.generate(session, size: size) { step, seconds in
                print("  \(step): \(String(format: "%.1f", seconds)) s")
            }
            return (transfers, true)
        }
        let generationSeconds = (clock.now - generationStart).secondsValue

        let definitionsDirectory = ReportDefinitions.resolveDirectory(reportsDirectory)
        let definitions = try ReportDefinitions.load(directory: definitionsDirectory, kind: .nightly)
        let date = ReportBenchData.reportDay
        let script = Self.psqlScript(definitions, date: date)
        let scriptPath = NSTemporaryDirectory() + "videoledger-report-bench-\(getpid()).sql"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: scriptPath) }
        let runner = ReportRunner(pool: pool, definitionsDirectory: definitionsDirectory)

        print(
            "data: \(size.users) users, \(size.jobs) jobs, \(transfers) ledger transfers, \(size.days) days "
                + "(\(size.firstDay) to \(ReportBenchData.reportDay)), scale \(scale)"
                + (generated
                    ? "; generated in \(String(format: "%.1f", generationSeconds)) s" : "; reused from an earlier run"))
        print("nightly report for \(date) (month to date = all \(ReportBenchData.reportMonthDays) days of its month)")

        var reportBest = Double.infinity
        var psqlBest = Double.infinity
        var outcome: ReportOutcome?
        for round in 0..<rounds {
            let psqlStart = clock.now
            let psqlOutput = try await Self.runPSQL(psql, script: scriptPath, connection: connection)
            let psqlSeconds = (clock.now - psqlStart).secondsValue
            print(
                "  psql:     "
                    + Self.statementTimes(psqlOutput, names: definitions.sections.map(\.name) + ["control totals"]))
            let reportStart = clock.now
            let timer = SectionTimer()
            outcome = try await runner.nightly(
                NightlyReportRequest(date: date, outputDirectory: outputDirectory), progress: timer)
            let reportSeconds = (clock.now - reportStart).secondsValue
            print("  report:   " + timer.summary())
            psqlBest = min(psqlBest, psqlSeconds)
            reportBest = min(reportBest, reportSeconds)
            print(
                "round \(round + 1): report \(String(format: "%.3f", reportSeconds)) s, bare SQL via psql \(String(format: "%.3f", psqlSeconds)) s"
            )
        }
        try await ReportBenchExtras.printBytesPerSettledJob(pool)
        await pool.close()

        if rounds > 0 {
            print(
                "best: report \(String(format: "%.3f", reportBest)) s, bare SQL via psql \(String(format: "%.3f", psqlBest)) s, "
                    + "ratio \(String(format: "%.2f", reportBest / psqlBest)) (goal ≤ 1.50)")
            print(
                "peak RSS: \(String(format: "%.1f", Self.peakRSSMegabytes(children: false))) MB (goal < 200 MB); "
                    + "psql's: \(String(format: "%.1f", Self.peakRSSMegabytes(children: true))) MB")
        }
        if let outcome {
            let bytes = outcome.files.reduce(0) { $0 + $1.bytes }
            print("output: \(outcome.files.count) files, \(bytes) bytes in \(outputDirectory)")
            print("rows: " + outcome.sections.map { "\($0.name) \($0.rowCount)" }.joined(separator: ", "))
        }
        if spendSeconds > 0 {
            try await ReportBenchExtras.measureSpend(
                connection: connection, users: size.users, seconds: spendSeconds, connections: connections,
                poolSize: database.poolSize, ratePerSecond: spendRate)
        }
    }

    /// Every section and the control totals, each prepared and executed with the report date,
    /// under the report's own session settings.
    static func psqlScript(_ definitions: ReportDefinitions, date: CalendarDay) -> String {
        var statements = definitions.sections.map(\.sql)
        if let control = definitions.controlTotalsSQL { statements.append(control) }
        return ReportSessionSettings.all.map { "SET \($0.name) = \($0.value);\n" }.joined() + "\\timing on\n"
            + statements.enumerated().map { index, sql in
                "PREPARE bench_\(index) AS\n\(sql)\n;\nEXECUTE bench_\(index)('\(date)');\nDEALLOCATE bench_\(index);\n"
            }.joined(separator: "\n")
    }

    /// Runs the script; returns what psql printed (its `\\timing` lines; query output goes to
    /// /dev/null), waiting for it on a dispatch queue, never on a cooperative thread.
    static func runPSQL(_ psql: String, script: String, connection: String) async throws -> String {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        do {
                            return try ChildProcess.run(
                                "/usr/bin/env",
                                [
                                    psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null", "-f",
                                    script, "-d", connection,
                                ],
                                captureOutput: true, environment: ChildProcess.minimalEnvironment(libpq: true))
                        } catch let failure as ChildProcess.Failure {
                            throw ValidationError("psql failed (\(failure.status)): \(failure.output)")
                        }
                    })
            }
        }
    }

    /// getrusage's ru_maxrss: this process's peak resident set, or that of its largest waited-for child.
    /// The EXECUTE lines of psql's `Time: 123.456 ms` output (PREPARE, EXECUTE, DEALLOCATE per
    /// statement), named.
    static func statementTimes(_ output: String, names: [String]) -> String {
        let times = output.split(separator: "\n").filter { $0.hasPrefix("Time: ") }.compactMap { line in
            Double(line.dropFirst(6).split(separator: " ").first ?? "")
        }
        return names.enumerated().map { index, name in
            let position = index * 3 + 1
            return "\(name) "
                + (times.indices.contains(position) ? String(format: "%.3f s", times[position] / 1000) : "?")
        }.joined(separator: ", ")
    }

    static func peakRSSMegabytes(children: Bool) -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t((children ? RUSAGE_CHILDREN : RUSAGE_SELF).rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024  // Linux reports kilobytes
    }

    static func createDatabaseIfMissing(_ connection: String, name: String) async throws {
        let admin = PostgresPool(.init(connectionString: connection, connectionsMax: 1))
        try await admin.withSession { session in
            if try session.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]).isEmpty {
                try session.execute("CREATE DATABASE \(name)")  // name validated as an identifier
            }
        }
        await admin.close()
    }

    /// The same server, another database: a URL gets a new path, a key=value string a later
    /// `dbname=` (libpq keeps the last value of a repeated keyword).
    static func connectionString(_ base: String, database: String) -> String {
        if base.hasPrefix("postgres://") || base.hasPrefix("postgresql://"),
            var components = URLComponents(string: base)
        {
            components.path = "/" + database
            return components.string ?? base
        }
        return base + " dbname=" + database
    }
}

/// Seconds per section of a report run, for the benchmark's breakdown.
final class SectionTimer: ReportProgress {
    private let state = Mutex<(names: [String], last: ContinuousClock.Instant, seconds: [Double])>(
        ([], ContinuousClock.now, []))

    func started(sections: [String]) {
        state.withLock { $0 = (sections, ContinuousClock.now, []) }
    }

    func rowsStreamed(section index: Int, rows: Int) {}

    func sectionFinished(section index: Int, rows: Int) {
        state.withLock { state in
            let now = ContinuousClock.now
            state.seconds.append((now - state.last).secondsValue)
            state.last = now
        }
    }

    func finished() {
        state.withLock { state in state.seconds.append((ContinuousClock.now - state.last).secondsValue) }
    }

    /// `user_summary 0.123 s, …, control totals and publishing 0.010 s`.
    func summary() -> String {
        state.withLock { state in
            let names = state.names + ["control totals and publishing"]
            return zip(names, state.seconds).map { "\($0) \(String(format: "%.3f", $1)) s" }.joined(separator: ", ")
        }
    }
}
