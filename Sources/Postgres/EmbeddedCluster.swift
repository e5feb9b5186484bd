import Basics
import Foundation

/// A private PostgreSQL cluster in a folder of its own, for the embedded default (no
/// `DATABASE_URL`), tests and benchmarks. It listens on a unix socket inside its folder only,
/// never on a network address. PostgreSQL refuses to run as root, so when this process is root
/// the server runs as the `postgres` system user (via `runuser`).
///
/// Nobody else on the machine gets in: the folder and the socket folder are 0700 and the socket
/// itself 0700 (`unix_socket_permissions`), and every connection, over that socket too, needs
/// the superuser's password (SCRAM). The password is generated at `initdb` and kept in `pgpass`
/// (mode 0600, owned by the user of this process, libpq's password file format), which the
/// connection string names with `passfile=`: the password itself never appears in a connection
/// string, a process list or a log. `pg_hba.conf` is rewritten on every start, so a cluster
/// made by an older version with `trust` is converted (its password set in single-user mode).
/// `initdb`, `pg_ctl`, the server and `psql` start with a minimal environment: the provider
/// keys and wallet secrets in this process's environment never reach them.
public struct EmbeddedCluster: Sendable {
    public enum ClusterError: Error, CustomStringConvertible {
        case toolMissing(String)
        case commandFailed(command: String, status: Int32, output: String)
        case insecure(String)

        public var description: String {
            switch self {
            case .toolMissing(let tool):
                return
                    "PostgreSQL server tool '\(tool)' not found; install the 'postgresql' package or set VIDEOLEDGER_PG_BIN"
            case .commandFailed(let command, let status, let output):
                return "'\(command)' failed with status \(status): \(output)"
            case .insecure(let message):
                return message
            }
        }
    }

    /// The cluster's folder: `data/` (the cluster), `socket/`, `server.log` and `pgpass`.
    public let directory: String
    /// The port number, which names the socket file (`.s.PGSQL.<port>`); nothing listens on TCP.
    public let port: Int
    public let databaseName: String
    /// Server settings added to the defaults at start (`-c name=value`), for benchmarks that load
    /// a diagnostic library such as `pg_stat_statements`. Names and values are the caller's own
    /// constants, never user input.
    public let extraSettings: [(name: String, value: String)]

    public init(
        directory: String, port: Int = 55432, databaseName: String = "videoledger",
        extraSettings: [(name: String, value: String)] = []
    ) {
        precondition(port > 1024 && port < 65536, "port out of range")
        precondition(
            extraSettings.allSatisfy { setting in
                (setting.name + setting.value).allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
            }, "a server setting must be a plain word")
        self.directory = directory
        self.port = port
        self.databaseName = databaseName
        self.extraSettings = extraSettings
    }

    var dataDirectory: String { directory + "/data" }
    var socketDirectory: String { directory + "/socket" }
    var logFile: String { directory + "/server.log" }
    /// libpq's password file for this cluster (`*:*:*:postgres:<password>`), mode 0600.
    public var passwordFile: String { directory + "/pgpass" }
    /// The socket file the server listens on.
    public var socketFile: String { socketDirectory + "/.s.PGSQL.\(port)" }

    /// libpq connection string for the cluster's database.
    public var connectionString: String { connectionString(database: databaseName) }

    public func connectionString(database: String) -> String {
        [
            ("host", socketDirectory), ("port", String(port)), ("user", "postgres"), ("dbname", database),
            ("passfile", passwordFile),
        ]
        .map { "\($0.0)=\(Self.quoted($0.1))" }.joined(separator: " ")
    }

    /// A conninfo value in single quotes, with `\` and `'` escaped (libpq's rule).
    static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// The only `pg_hba.conf` the cluster ever has: unix socket, SCRAM password, nothing else.
    static let hostBasedAuthentication = """
        # Written by VideoLedger on every start of the embedded cluster: unix socket only, and
        # every connection needs the password (kept in ../pgpass). Edits here are overwritten.
        # Streaming replication (a standby made by pg_basebackup) follows the same rule.
        local all all scram-sha-256
        local replication all scram-sha-256

        """

    /// Creates the cluster if needed, starts it if it is not running, creates the database if
    /// missing. Blocks while the server starts: call it from a thread of its own, not a task.
    public func start() throws {
        let tools = try Self.serverTools()
        let runAsPostgres = geteuid() == 0
        try prepareFolders(runAsPostgres: runAsPostgres)
        let initialized = FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION")
        if !initialized {
            let password = Self.generatePassword()
            try initialize(tools: tools, password: password, runAsPostgres: runAsPostgres)
            try writePasswordFile(password)
        } else if !FileManager.default.fileExists(atPath: passwordFile) {
            // A cluster from before passwords (trust): give the superuser a password first.
            let password = Self.generatePassword()
            if isRunning(tools: tools, asPostgres: runAsPostgres) {
                try runServerTool(
                    tools + "/pg_ctl", ["stop", "--pgdata=\(dataDirectory)", "--wait", "--mode=fast"],
                    asPostgres: runAsPostgres)
            }
            try setPasswordInSingleUserMode(tools: tools, password: password, runAsPostgres: runAsPostgres)
            try writePasswordFile(password)
        }
        try startServer(tools: tools, runAsPostgres: runAsPostgres)
        try createDatabaseIfMissing(tools: tools)
    }

    /// Makes this folder a streaming-replication standby of `primary` (a running embedded
    /// cluster) if it is not one yet, with `pg_basebackup --write-recovery-conf` over the
    /// primary's socket, and starts it on its own socket folder (0700, like the primary's).
    /// Clients use the primary's password: the standby's `pgpass` is a copy of the primary's,
    /// and the server's own copy (`replication-pgpass`, owned by the server's user, 0600) is
    /// what `pg_basebackup` and then the standby's WAL receiver log in with. Blocks while the
    /// backup is taken and the server starts: call it from a thread of its own.
    public func startStandby(of primary: EmbeddedCluster) throws {
        let tools = try Self.serverTools()
        let runAsPostgres = geteuid() == 0
        try prepareFolders(runAsPostgres: runAsPostgres)
        if !FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            let passwordLine = try String(contentsOfFile: primary.passwordFile, encoding: .utf8)
            try writePrivateFileForServer(replicationPasswordFile, contents: passwordLine, runAsPostgres: runAsPostgres)
            let source = [
                ("host", primary.socketDirectory), ("port", String(primary.port)), ("user", "postgres"),
                ("passfile", replicationPasswordFile), ("application_name", "videoledger-standby"),
            ]
            .map { "\($0.0)=\(Self.quoted($0.1))" }.joined(separator: " ")
            try runServerTool(
                tools + "/pg_basebackup",
                [
                    "--pgdata=\(dataDirectory)", "--write-recovery-conf", "--wal-method=stream", "--checkpoint=fast",
                    "--no-password", "--dbname=\(source)",
                ], asPostgres: runAsPostgres)
            try Self.writePrivateFile(passwordFile, contents: passwordLine)
        }
        try startServer(tools: tools, runAsPostgres: runAsPostgres)
    }

    /// The standby's login for replication, read by the server's user (see `startStandby`).
    var replicationPasswordFile: String { directory + "/replication-pgpass" }

    /// Rewrites `pg_hba.conf` and starts the server unless it runs, else makes it reread the file.
    private func startServer(tools: String, runAsPostgres: Bool) throws {
        try writeHostBasedAuthentication()
        if !isRunning(tools: tools, asPostgres: runAsPostgres) {
            // wal_level and max_wal_senders are PostgreSQL's defaults, named because a standby
            // (`startStandby`) needs them. random_page_cost 1.1: the cluster is on this
            // machine's own disk, solid-state where VideoLedger runs, where a page read out of
            // order costs about what the next one does; at the default 4, PostgreSQL read all
            // of `jobs` rather than the 30 days the scorecards need through `jobs_by_time`.
            let options =
                "-c listen_addresses='' -c unix_socket_directories='\(socketDirectory)' -c port=\(port)"
                + " -c unix_socket_permissions=0700 -c password_encryption=scram-sha-256"
                + " -c fsync=on -c max_connections=200 -c shared_buffers=256MB"
                + " -c wal_level=replica -c max_wal_senders=10 -c random_page_cost=1.1"
                + extraSettings.map { " -c \($0.name)=\($0.value)" }.joined()
            do {
                // The server outlives pg_ctl and would hold a captured output pipe open forever,
                // so its output goes to the log file only.
                try runServerTool(
                    tools + "/pg_ctl",
                    [
                        "start", "--pgdata=\(dataDirectory)", "--wait", "--timeout=60", "--log=\(logFile)", "-o",
                        options,
                    ], asPostgres: runAsPostgres, captureOutput: false)
            } catch let ClusterError.commandFailed(command, status, _) {
                let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
                throw ClusterError.commandFailed(command: command, status: status, output: String(log.suffix(2_000)))
            }
        } else {
            // A server already running (started earlier with these files) rereads pg_hba.conf.
            try? runServerTool(tools + "/pg_ctl", ["reload", "--pgdata=\(dataDirectory)"], asPostgres: runAsPostgres)
        }
    }

    /// Stops the server (fast shutdown: in-flight transactions roll back).
    public func stop(mode: String = "fast") throws {
        let tools = try Self.serverTools()
        try runServerTool(
            tools + "/pg_ctl", ["stop", "--pgdata=\(dataDirectory)", "--wait", "--mode=\(mode)"],
            asPostgres: geteuid() == 0)
    }

    /// Immediate shutdown by signal (SIGQUIT to the postmaster), with no child process: safe
    /// from an `atexit` handler, where launching and reaping processes can hang.
    public func stopImmediatelyBySignal() {
        guard let pid = postmasterPID, pid > 0 else { return }
        kill(pid, SIGQUIT)
    }

    /// The running server's process id, from `postmaster.pid`.
    public var postmasterPID: pid_t? {
        guard let pidFile = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
            let firstLine = pidFile.split(separator: "\n").first
        else { return nil }
        return pid_t(firstLine)
    }

    // MARK: - Files and folders

    /// The folder and the socket folder exist, are 0700, and belong to the server's user; the
    /// password file (when present) stays with this process's user.
    private func prepareFolders(runAsPostgres: Bool) throws {
        for folder in [directory, socketDirectory] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            guard chmod(folder, 0o700) == 0 else {
                throw ClusterError.insecure(
                    "cannot make \(folder) private (chmod 0700): \(String(cString: strerror(errno)))")
            }
        }
        if runAsPostgres {
            // Not -R: the password file stays root's (0600), which the server never reads.
            var targets = [directory, socketDirectory]
            if FileManager.default.fileExists(atPath: logFile) { targets.append(logFile) }
            if FileManager.default.fileExists(atPath: dataDirectory) { targets.append(dataDirectory) }
            try Self.run("/bin/chown", ["postgres:postgres"] + targets)
        }
    }

    private func initialize(tools: String, password: String, runAsPostgres: Bool) throws {
        // initdb reads the password from a file; this one lives only for the call, readable by
        // the server's user alone.
        let passwordInput = directory + "/initdb-password"
        try Self.writePrivateFile(passwordInput, contents: password + "\n")
        defer { unlink(passwordInput) }
        if runAsPostgres { try Self.run("/bin/chown", ["postgres:postgres", passwordInput]) }
        try runServerTool(
            tools + "/initdb",
            [
                "--pgdata=\(dataDirectory)", "--username=postgres", "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                "--pwfile=\(passwordInput)", "--encoding=UTF8", "--locale=C", "--no-instructions",
            ], asPostgres: runAsPostgres)
    }

    private func setPasswordInSingleUserMode(tools: String, password: String, runAsPostgres: Bool) throws {
        let statement = "ALTER ROLE postgres PASSWORD '\(password)';\n"
        let output = try runServerTool(
            tools + "/postgres",
            ["--single", "-D", dataDirectory, "-c", "password_encryption=scram-sha-256", "postgres"],
            asPostgres: runAsPostgres, input: Array(statement.utf8), redacting: password)
        if output.contains("ERROR") {
            throw ClusterError.commandFailed(command: "postgres --single (set password)", status: 1, output: output)
        }
    }

    private func writePasswordFile(_ password: String) throws {
        try Self.writePrivateFile(passwordFile, contents: "*:*:*:postgres:\(password)\n")
    }

    private func writeHostBasedAuthentication() throws {
        // In place (not a rename), so the file keeps its owner when root writes the server's file.
        let path = dataDirectory + "/pg_hba.conf"
        let descriptor = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            throw ClusterError.insecure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array(Self.hostBasedAuthentication.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw ClusterError.insecure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// A private file the server's user reads: this process's when it is not root, else
    /// handed to `postgres` (still 0600).
    private func writePrivateFileForServer(_ path: String, contents: String, runAsPostgres: Bool) throws {
        try Self.writePrivateFile(path, contents: contents)
        if runAsPostgres { try Self.run("/bin/chown", ["postgres:postgres", path]) }
    }

    /// Creates (or replaces) a file of this process's user with mode 0600, never following a
    /// link: the new contents go to a fresh file created exclusively, then renamed over.
    static func writePrivateFile(_ path: String, contents: String) throws {
        let temporary = path + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ClusterError.insecure("cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(contents.utf8)
        let written = write(descriptor, bytes, bytes.count)
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ClusterError.insecure("cannot write \(path): \(reason)")
        }
    }

    /// 32 random bytes as hex: nothing that needs quoting in SQL or in a pgpass line.
    static func generatePassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    // MARK: - Running the tools

    private func isRunning(tools: String, asPostgres: Bool) -> Bool {
        (try? runServerTool(tools + "/pg_ctl", ["status", "--pgdata=\(dataDirectory)"], asPostgres: asPostgres)) != nil
    }

    private func createDatabaseIfMissing(tools: String) throws {
        let psql = FileManager.default.isExecutableFile(atPath: tools + "/psql") ? tools + "/psql" : "/usr/bin/psql"
        let connection = connectionString(database: "postgres")
        let exists = try Self.run(
            psql, ["-X", connection, "-tAc", "SELECT 1 FROM pg_database WHERE datname = '\(databaseName)'"])
        if exists.trimmingCharacters(in: .whitespacesAndNewlines) != "1" {
            try Self.run(psql, ["-X", connection, "-qc", "CREATE DATABASE \"\(databaseName)\""])
        }
    }

    @discardableResult
    private func runServerTool(
        _ tool: String, _ arguments: [String], asPostgres: Bool, captureOutput: Bool = true, input: [UInt8]? = nil,
        redacting secret: String? = nil
    ) throws -> String {
        if asPostgres {
            return try Self.run(
                "/usr/sbin/runuser", ["-u", "postgres", "--", tool] + arguments, captureOutput: captureOutput,
                input: input, redacting: secret)
        }
        return try Self.run(tool, arguments, captureOutput: captureOutput, input: input, redacting: secret)
    }

    /// The folder holding initdb and pg_ctl: `$VIDEOLEDGER_PG_BIN`, else the newest
    /// `/usr/lib/postgresql/*/bin` (Debian's layout) that has them.
    public static func serverTools() throws -> String {
        guard let bin = toolsDirectory(holding: "initdb") else { throw ClusterError.toolMissing("initdb") }
        return bin
    }

    /// `$VIDEOLEDGER_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin` holding `tool`: the
    /// server's own version of a tool (a dump must come from a `pg_dump` at least as new as the
    /// server). Nil when there is none.
    public static func toolsDirectory(holding tool: String) -> String? {
        if let configured = ProcessInfo.processInfo.environment["VIDEOLEDGER_PG_BIN"] { return configured }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let bin = "\(root)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: bin + "/" + tool) { return bin }
        }
        return nil
    }

    /// Runs a tool with the minimal environment (no `PG*` either: the cluster's own settings
    /// come from its arguments alone). Output quoted in errors has `secret` redacted.
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], captureOutput: Bool = true, input: [UInt8]? = nil,
        redacting secret: String? = nil
    ) throws -> String {
        func redact(_ text: String) -> String {
            guard let secret, !secret.isEmpty else { return text }
            return text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        do {
            return redact(
                try ChildProcess.run(
                    executable, arguments, captureOutput: captureOutput, environment: ChildProcess.minimalEnvironment(),
                    input: input))
        } catch let failure as ChildProcess.Failure {
            throw ClusterError.commandFailed(
                command: redact(([executable] + arguments).joined(separator: " ")), status: failure.status,
                output: redact(failure.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
    }
}
