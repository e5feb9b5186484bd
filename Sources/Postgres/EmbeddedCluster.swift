import Foundation

/// A private PostgreSQL cluster in a folder of its own, for the embedded default (no
/// `DATABASE_URL`) and for tests. It listens on a unix socket inside its folder only, never on
/// a network address. PostgreSQL refuses to run as root, so when this process is root the
/// server runs as the `postgres` system user (via `runuser`).
public struct EmbeddedCluster: Sendable {
    public enum ClusterError: Error, CustomStringConvertible {
        case toolMissing(String)
        case commandFailed(command: String, status: Int32, output: String)

        public var description: String {
            switch self {
            case .toolMissing(let tool):
                return "PostgreSQL server tool '\(tool)' not found; install the 'postgresql' package or set VIDEOLEDGER_PG_BIN"
            case .commandFailed(let command, let status, let output):
                return "'\(command)' failed with status \(status): \(output)"
            }
        }
    }

    /// The cluster's folder: `data/` (the cluster), `socket/` and `server.log`.
    public let directory: String
    /// The port number, which names the socket file (`.s.PGSQL.<port>`); nothing listens on TCP.
    public let port: Int
    public let databaseName: String

    public init(directory: String, port: Int = 55432, databaseName: String = "videoledger") {
        precondition(port > 1024 && port < 65536, "port out of range")
        self.directory = directory
        self.port = port
        self.databaseName = databaseName
    }

    var dataDirectory: String { directory + "/data" }
    var socketDirectory: String { directory + "/socket" }
    var logFile: String { directory + "/server.log" }

    /// libpq connection string for the cluster's database.
    public var connectionString: String { connectionString(database: databaseName) }

    public func connectionString(database: String) -> String {
        "host=\(socketDirectory) port=\(port) user=postgres dbname=\(database)"
    }

    /// Creates the cluster if needed, starts it if it is not running, creates the database if
    /// missing. Blocks while the server starts: call it from a thread of its own, not a task.
    public func start() throws {
        let tools = try Self.serverTools()
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        let runAsPostgres = geteuid() == 0
        if runAsPostgres { try Self.run("/bin/chown", ["-R", "postgres:postgres", directory]) }
        if !FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            try runServerTool(tools + "/initdb", [
                "--pgdata=\(dataDirectory)", "--username=postgres", "--auth=trust",
                "--encoding=UTF8", "--locale=C", "--no-instructions",
            ], asPostgres: runAsPostgres)
        }
        if !isRunning(tools: tools, asPostgres: runAsPostgres) {
            let options = "-c listen_addresses='' -c unix_socket_directories='\(socketDirectory)' -c port=\(port)"
                + " -c fsync=on -c max_connections=200 -c shared_buffers=256MB"
            do {
                // The server outlives pg_ctl and would hold a captured output pipe open forever,
                // so its output goes to the log file only.
                try runServerTool(tools + "/pg_ctl", [
                    "start", "--pgdata=\(dataDirectory)", "--wait", "--timeout=60", "--log=\(logFile)", "-o", options,
                ], asPostgres: runAsPostgres, captureOutput: false)
            } catch let ClusterError.commandFailed(command, status, _) {
                let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
                throw ClusterError.commandFailed(command: command, status: status, output: String(log.suffix(2_000)))
            }
        }
        try createDatabaseIfMissing(tools: tools)
    }

    /// Stops the server (fast shutdown: in-flight transactions roll back).
    public func stop(mode: String = "fast") throws {
        let tools = try Self.serverTools()
        try runServerTool(tools + "/pg_ctl", ["stop", "--pgdata=\(dataDirectory)", "--wait", "--mode=\(mode)"],
                          asPostgres: geteuid() == 0)
    }

    /// Immediate shutdown by signal (SIGQUIT to the postmaster), with no child process: safe
    /// from an `atexit` handler, where launching and reaping processes can hang.
    public func stopImmediatelyBySignal() {
        guard let pidFile = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
              let firstLine = pidFile.split(separator: "\n").first, let pid = pid_t(firstLine), pid > 0
        else { return }
        kill(pid, SIGQUIT)
    }

    private func isRunning(tools: String, asPostgres: Bool) -> Bool {
        (try? runServerTool(tools + "/pg_ctl", ["status", "--pgdata=\(dataDirectory)"], asPostgres: asPostgres)) != nil
    }

    private func createDatabaseIfMissing(tools: String) throws {
        let psql = FileManager.default.isExecutableFile(atPath: tools + "/psql") ? tools + "/psql" : "/usr/bin/psql"
        let connection = connectionString(database: "postgres")
        let exists = try Self.run(psql, [connection, "-tAc", "SELECT 1 FROM pg_database WHERE datname = '\(databaseName)'"])
        if exists.trimmingCharacters(in: .whitespacesAndNewlines) != "1" {
            try Self.run(psql, [connection, "-qc", "CREATE DATABASE \"\(databaseName)\""])
        }
    }

    @discardableResult
    private func runServerTool(_ tool: String, _ arguments: [String], asPostgres: Bool, captureOutput: Bool = true) throws -> String {
        if asPostgres {
            return try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", tool] + arguments, captureOutput: captureOutput)
        }
        return try Self.run(tool, arguments, captureOutput: captureOutput)
    }

    /// The folder holding initdb and pg_ctl: `$VIDEOLEDGER_PG_BIN`, else the newest
    /// `/usr/lib/postgresql/*/bin` (Debian's layout), else `pg_config --bindir`'s.
    public static func serverTools() throws -> String {
        if let configured = ProcessInfo.processInfo.environment["VIDEOLEDGER_PG_BIN"] { return configured }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let bin = "\(root)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: bin + "/initdb") { return bin }
        }
        throw ClusterError.toolMissing("initdb")
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], captureOutput: Bool = true) throws -> String {
        do {
            return try ChildProcess.run(executable, arguments, captureOutput: captureOutput)
        } catch let failure as ChildProcess.Failure {
            throw ClusterError.commandFailed(
                command: ([executable] + arguments).joined(separator: " "), status: failure.status,
                output: failure.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
