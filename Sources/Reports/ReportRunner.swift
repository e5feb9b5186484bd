import Foundation
import Postgres

/// Runs reports: loads the definitions from `reports/`, streams every section from one snapshot
/// of the database into CSV, JSON and HTML files, checks the control totals, publishes the files
/// and records the run in `report_runs`.
///
/// The work runs on one pooled connection's own thread (file writes included), never on Swift's
/// cooperative pool. A run either publishes all its files or none: they are written under
/// temporary names and renamed into place only after the control totals match.
///
/// With a read replica (`reads` has one), the sections are streamed from the replica once it has
/// replayed everything the primary had written when the run began (`readCaughtUp`), so the
/// report shows exactly what the primary would have; the run's `report_runs` row is written on
/// the primary. A replica that is down, stale or still behind leaves the whole run on the primary.
public struct ReportRunner: Sendable {
    public let pool: PostgresPool
    public let definitionsDirectory: String
    /// Where the sections are read: nil, or a router without a replica, reads `pool`.
    public let reads: PostgresReadRouter?

    public init(pool: PostgresPool, definitionsDirectory: String, reads: PostgresReadRouter? = nil) {
        self.pool = pool
        self.definitionsDirectory = definitionsDirectory
        self.reads = reads
    }

    /// The nightly report for `request.date`. Re-running a date gives byte-identical files.
    public func nightly(_ request: NightlyReportRequest, progress: (any ReportProgress)? = nil)
        async throws(ReportError) -> ReportOutcome
    {
        try await run(request.plan, progress: progress)
    }

    /// One user's spend over a range of days; throws `unknownUser` for a user the ledger lacks.
    public func spend(_ request: SpendReportRequest, progress: (any ReportProgress)? = nil) async throws(ReportError)
        -> ReportOutcome
    {
        try await run(request.plan, progress: progress)
    }

    func run(_ plan: ReportPlan, progress: (any ReportProgress)?) async throws(ReportError) -> ReportOutcome {
        let definitions = try ReportDefinitions.load(directory: definitionsDirectory, kind: plan.kind)
        let outputDirectory = try OutputDirectory.prepare(plan.outputDirectory)
        if let reads, reads.replica != nil {
            return try await runFromReplica(
                plan, definitions: definitions, outputDirectory: outputDirectory, progress: progress, reads: reads)
        }
        do {
            return try await pool.withSession { session in
                try Self.run(
                    plan, definitions: definitions, outputDirectory: outputDirectory, progress: progress,
                    session: session)
            }
        } catch {
            throw ReportError.wrap(error)
        }
    }

    /// The run with its record on the primary and its sections streamed (and its files
    /// published, on that connection's thread) from a caught-up replica.
    private func runFromReplica(
        _ plan: ReportPlan, definitions: ReportDefinitions, outputDirectory: String,
        progress: (any ReportProgress)?, reads: PostgresReadRouter
    ) async throws(ReportError) -> ReportOutcome {
        let runID: Int64
        do {
            runID = try await pool.withSession { session in
                try Self.begin(plan, definitions: definitions, outputDirectory: outputDirectory, session: session)
            }
        } catch {
            throw ReportError.wrap(error)
        }
        do {
            let (streamed, _) = try await reads.readCaughtUp(
                retryOnPrimary: Self.isDatabaseFailure
            ) { session in
                try Self.streamAndPublish(
                    plan, definitions: definitions, outputDirectory: outputDirectory, progress: progress,
                    session: session)
            }
            try await pool.withSession { session in
                try ReportRunRecord.succeed(session, runID: runID, sections: streamed.sections, files: streamed.files)
            }
            progress?.finished()
            return ReportOutcome(runID: runID, files: streamed.files, sections: streamed.sections)
        } catch {
            let failure = ReportError.wrap(error)
            try? await pool.withSession { session in try ReportRunRecord.fail(session, runID: runID, error: failure) }
            throw failure
        }
    }

    /// A report that failed on the replica for a database reason runs again on the primary.
    @Sendable private static func isDatabaseFailure(_ error: any Error) -> Bool {
        if case .database = error as? ReportError { return true }
        return false
    }

    /// Checks the schema and the user, then records the run as started; returns its id.
    private static func begin(
        _ plan: ReportPlan, definitions: ReportDefinitions, outputDirectory: String, session: PostgresSession
    ) throws -> Int64 {
        let hasRunTable: Bool = try session.query("SELECT to_regclass('report_runs') IS NOT NULL")[0].decode(0)
        guard hasRunTable else { throw ReportError.schemaMissing }
        if let userID = plan.userID {
            guard try session.query("SELECT 1 FROM users WHERE id = $1", [userID]).count == 1 else {
                throw ReportError.unknownUser(userID)
            }
        }
        if let days = plan.daysRead,
            let archived = try session.query(
                """
                SELECT to_char(month, 'YYYY-MM') FROM ledger_archived_months
                WHERE month BETWEEN date_trunc('month', $1::date)::date AND $2::date ORDER BY month LIMIT 1
                """, [days.from.description, days.to.description]
            ).first
        {
            throw ReportError.monthArchived(try archived.decode(0))
        }
        return try ReportRunRecord.start(
            session, plan: plan, definitions: definitions, outputDirectory: outputDirectory)
    }

    /// Streams every section in one read-only snapshot and publishes the files.
    private static func streamAndPublish(
        _ plan: ReportPlan, definitions: ReportDefinitions, outputDirectory: String,
        progress: (any ReportProgress)?, session: PostgresSession
    ) throws -> (files: [ReportFileRecord], sections: [ReportSectionResult]) {
        let streamer = ReportStreamer(
            plan: plan, definitions: definitions, outputDirectory: outputDirectory, progress: progress)
        // attemptsMax 1: the body writes files, so it must never be replayed.
        let result = try session.transaction(isolation: .repeatableRead, attemptsMax: 1) { session in
            try session.execute("SET TRANSACTION READ ONLY")
            for setting in ReportSessionSettings.all {
                try session.execute("SET LOCAL \(setting.name) = \(setting.value)")
            }
            return try streamer.stream(session)
        }
        var files: [ReportFileRecord] = []
        for file in result.files {
            let (bytes, sha256) = try file.finish()
            try file.publish()
            files.append(ReportFileRecord(name: file.name, path: file.finalPath, bytes: bytes, sha256: sha256))
        }
        return (files, result.sections)
    }

    private static func run(
        _ plan: ReportPlan, definitions: ReportDefinitions, outputDirectory: String,
        progress: (any ReportProgress)?, session: PostgresSession
    ) throws -> ReportOutcome {
        let runID = try begin(plan, definitions: definitions, outputDirectory: outputDirectory, session: session)
        do {
            let (files, sections) = try streamAndPublish(
                plan, definitions: definitions, outputDirectory: outputDirectory, progress: progress,
                session: session)
            try ReportRunRecord.succeed(session, runID: runID, sections: sections, files: files)
            progress?.finished()
            return ReportOutcome(runID: runID, files: files, sections: sections)
        } catch {
            let failure = ReportError.wrap(error)
            try? ReportRunRecord.fail(session, runID: runID, error: failure)
            throw failure
        }
    }
}

/// The folder reports go to: created when missing, and checked writable before any query runs,
/// so a bad `--out` fails in milliseconds rather than after the report's SQL.
enum OutputDirectory {
    /// Returns the folder as an absolute path.
    static func prepare(_ path: String) throws(ReportError) -> String {
        guard !path.isEmpty else { throw .outputNotWritable(path: path, reason: "the path is empty") }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .outputNotWritable(path: path, reason: "it is not a directory") }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
            } catch {
                throw .outputNotWritable(path: path, reason: "cannot create it (\(error.localizedDescription))")
            }
        }
        guard access(absolute, W_OK | X_OK) == 0 else {
            throw .outputNotWritable(path: path, reason: String(cString: strerror(errno)))
        }
        return absolute
    }
}
