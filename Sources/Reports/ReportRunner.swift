import Foundation
import Postgres

/// Runs reports: loads the definitions from `reports/`, streams every section from one snapshot
/// of the database into CSV, JSON and HTML files, checks the control totals, publishes the files
/// and records the run in `report_runs`.
///
/// The work runs on one pooled connection's own thread (file writes included), never on Swift's
/// cooperative pool. A run either publishes all its files or none: they are written under
/// temporary names and renamed into place only after the control totals match.
public struct ReportRunner: Sendable {
    public let pool: PostgresPool
    public let definitionsDirectory: String

    public init(pool: PostgresPool, definitionsDirectory: String) {
        self.pool = pool
        self.definitionsDirectory = definitionsDirectory
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

    private static func run(
        _ plan: ReportPlan, definitions: ReportDefinitions, outputDirectory: String,
        progress: (any ReportProgress)?, session: PostgresSession
    ) throws -> ReportOutcome {
        let hasRunTable: Bool = try session.query("SELECT to_regclass('report_runs') IS NOT NULL")[0].decode(0)
        guard hasRunTable else { throw ReportError.schemaMissing }
        if let userID = plan.userID {
            guard try session.query("SELECT 1 FROM users WHERE id = $1", [userID]).count == 1 else {
                throw ReportError.unknownUser(userID)
            }
        }
        let runID = try ReportRunRecord.start(
            session, plan: plan, definitions: definitions, outputDirectory: outputDirectory)
        do {
            let streamer = ReportStreamer(
                plan: plan, definitions: definitions, outputDirectory: outputDirectory, progress: progress)
            // attemptsMax 1: the body writes files, so it must never be replayed.
            let result = try session.transaction(isolation: .repeatableRead, attemptsMax: 1) { session in
                try session.execute("SET TRANSACTION READ ONLY")
                return try streamer.stream(session)
            }
            var files: [ReportFileRecord] = []
            for file in result.files {
                let (bytes, sha256) = try file.finish()
                try file.publish()
                files.append(ReportFileRecord(name: file.name, path: file.finalPath, bytes: bytes, sha256: sha256))
            }
            try ReportRunRecord.succeed(session, runID: runID, sections: result.sections, files: files)
            progress?.finished()
            return ReportOutcome(runID: runID, files: files, sections: result.sections)
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
