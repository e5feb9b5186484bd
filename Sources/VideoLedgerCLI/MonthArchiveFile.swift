import Basics
import Crypto
import Dispatch
import Foundation
import Postgres

/// One archived month on disk: a `pg_dump` custom-format file of the month's detached table,
/// which `pg_restore` brings back. Written beside itself as `.partial`, checked by listing it
/// with `pg_restore --list`, flushed to disk, and only then renamed to its final name, so a
/// file under the final name is always whole.
struct MonthArchiveFile {
    struct Written: Sendable {
        let path: String
        let bytes: Int64
        let sha256: String
    }

    enum Failure: Error, CustomStringConvertible {
        case toolMissing(String)
        case tool(String, status: Int32, output: String)
        case unreadable(String)
        case notTheMonth(path: String, table: String)
        case connection

        var description: String {
            switch self {
            case .toolMissing(let tool):
                return "\(tool) not found: install the PostgreSQL client tools, or set VIDEOLEDGER_PG_BIN"
            case .tool(let tool, let status, let output):
                return "\(tool) failed (exit \(status)): \(output.prefix(2_000))"
            case .unreadable(let path): return "cannot read \(path)"
            case .notTheMonth(let path, let table): return "\(path) does not hold the data of table \(table)"
            case .connection: return "the database connection string cannot be parsed"
            }
        }
    }

    /// Files are created 0600 in a 0700 folder: they hold every transfer of a month.
    static let folderMode: mode_t = 0o700

    let directory: String
    let connection: ToolConnection

    init(directory: String, connectionString: String) throws {
        guard let connection = ToolConnection(connectionString) else { throw Failure.connection }
        self.directory = directory
        self.connection = connection
    }

    func path(table: String) -> String { directory + "/" + table + ".pgdump" }

    /// Dumps `table` to its file and checks it.
    func write(table: String) async throws -> Written {
        try await offPool {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: Int(Self.folderMode)])
            let final = path(table: table)
            let partial = final + ".partial"
            try? FileManager.default.removeItem(atPath: partial)
            let previous = umask(0o077)
            defer { umask(previous) }
            try run(
                "pg_dump",
                ["--format=custom", "--no-owner", "--no-privileges", "--table=public.\(table)", "--file=\(partial)"]
                    + ["--dbname=\(connection.conninfo)"])
            try check(partial, table: table)
            try flush(partial)
            guard rename(partial, final) == 0 else { throw Failure.unreadable(partial) }
            return try digest(final)
        }
    }

    /// Loads the file back into the database: the month's table, as it was when detached.
    func restore(path: String, table: String) async throws {
        try await offPool {
            try check(path, table: table)
            try run(
                "pg_restore",
                ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname=\(connection.conninfo)", path])
        }
    }

    /// Bytes and SHA-256 of a file, read in 1 MiB blocks.
    func digest(_ path: String) throws -> Written {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure.unreadable(path) }
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes: Int64 = 0
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            hasher.update(data: block)
            bytes += Int64(block.count)
        }
        return Written(path: path, bytes: bytes, sha256: hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// The file is a dump holding `table`'s definition and rows.
    private func check(_ path: String, table: String) throws {
        let listing = try run("pg_restore", ["--list", path])
        let lines = listing.split(separator: "\n")
        guard lines.contains(where: { $0.contains(" TABLE public \(table) ") }),
            lines.contains(where: { $0.contains(" TABLE DATA public \(table) ") })
        else { throw Failure.notTheMonth(path: path, table: table) }
    }

    private func flush(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Failure.unreadable(path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Failure.unreadable(path) }
    }

    @discardableResult
    private func run(_ tool: String, _ arguments: [String]) throws -> String {
        let executable = try Self.locate(tool)
        var environment = ChildProcess.minimalEnvironment(libpq: true)
        environment.merge(connection.environment) { _, new in new }
        do {
            return try ChildProcess.run(executable, arguments, captureOutput: true, environment: environment)
        } catch let failure as ChildProcess.Failure {
            throw Failure.tool(tool, status: failure.status, output: failure.output)
        }
    }

    /// The server's own version of `tool` (`EmbeddedCluster.toolsDirectory`), else the first on
    /// `PATH`.
    static func locate(_ tool: String) throws -> String {
        if let bin = EmbeddedCluster.toolsDirectory(holding: tool) { return bin + "/" + tool }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(tool)")
        {
            return "\(folder)/\(tool)"
        }
        throw Failure.toolMissing(tool)
    }

    /// Tools run for seconds to minutes: on a dispatch thread, never a cooperative one.
    private func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}
