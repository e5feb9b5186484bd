import Basics
import Foundation
import Postgres
import TestSupport
import Testing

/// The embedded cluster admits only the user who made it: private folders and socket, a
/// password on every connection, and servers that inherit none of this process's environment.
/// Serialized, and few clusters: each `initdb` costs seconds of CPU the rest of the suite needs.
@Suite(.serialized) struct EmbeddedClusterSecurityTests {
    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    static func owner(_ path: String) -> uid_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_uid
    }

    @Test func privateFoldersAPasswordOnEveryConnectionAndNoInheritedEnvironment() async throws {
        let cluster = try await TestDatabase.makePrivateCluster()
        #expect(Self.mode(cluster.directory) == 0o700)
        #expect(Self.mode(cluster.directory + "/socket") == 0o700)
        #expect(Self.mode(cluster.socketFile) == 0o700, "unix_socket_permissions")
        #expect(Self.mode(cluster.passwordFile) == 0o600)
        #expect(Self.owner(cluster.passwordFile) == geteuid(), "the connecting user keeps the password file")
        let hba = try String(contentsOfFile: cluster.directory + "/data/pg_hba.conf", encoding: .utf8)
        let rules = hba.split(separator: "\n").filter {
            !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty
        }
        // Unix socket only, a password for everything, streaming replication (a standby) included.
        #expect(rules == ["local all all scram-sha-256", "local replication all scram-sha-256"])
        #expect(
            !cluster.connectionString.contains(try Self.password(cluster)),
            "the password never appears in a connection string")

        // Every connection needs the password.
        let good = PostgresPool(
            .init(connectionString: cluster.connectionString, connectionsMax: 1, connectTimeoutSeconds: 2))
        #expect(try await good.withSession { try $0.query("SELECT 1")[0].decode(0, as: Int64.self) } == 1)
        await good.close()

        let socketFolder = cluster.directory + "/socket"
        let wrongFile = "/tmp/videoledger-wrong-pgpass-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try "*:*:*:postgres:not-the-password\n".write(toFile: wrongFile, atomically: false, encoding: .utf8)
        chmod(wrongFile, 0o600)
        defer { unlink(wrongFile) }
        let emptyFile = wrongFile + "-empty"
        FileManager.default.createFile(atPath: emptyFile, contents: Data(), attributes: [.posixPermissions: 0o600])
        defer { unlink(emptyFile) }
        for passfile in [emptyFile, wrongFile] {
            let refused = PostgresPool(
                .init(
                    connectionString:
                        "host=\(socketFolder) port=\(cluster.port) user=postgres dbname=postgres passfile=\(passfile)",
                    connectionsMax: 1, connectTimeoutSeconds: 2))
            do {
                _ = try await refused.withSession { try $0.query("SELECT 1") }
                Issue.record("connected with \(passfile == emptyFile ? "no" : "a wrong") password")
            } catch let error as PostgresError {
                guard case .connectionFailed(let message) = error else {
                    Issue.record("unexpected error \(error)")
                    continue
                }
                #expect(message.contains("password"), "\(message)")
            }
            await refused.close()
        }

        // The server inherits none of this process's environment.
        let pid = try #require(cluster.postmasterPID)
        let raw = try #require(FileManager.default.contents(atPath: "/proc/\(pid)/environ"))
        let names = Set(
            raw.split(separator: 0).compactMap { entry in
                String(decoding: entry, as: UTF8.self).split(separator: "=", maxSplits: 1).first.map(String.init)
            })
        // What the minimal environment passes, what runuser sets for the target user, and what
        // pg_ctl and the postmaster set for themselves (PWD: the /bin/sh that pg_ctl starts the
        // server through).
        let allowed: Set<String> = [
            "PATH", "LC_ALL", "LANG", "TZ", "TMPDIR", "HOME", "SHELL", "USER", "LOGNAME", "PGDATA",
            "PG_GRANDPARENT_PID", "LC_COLLATE", "LC_CTYPE", "LC_MESSAGES", "LC_MONETARY", "LC_NUMERIC", "LC_TIME",
            "PGLOCALEDIR", "PGSYSCONFDIR", "PG_OOM_ADJUST_FILE", "PG_OOM_ADJUST_VALUE",
            "PWD",
        ]
        #expect(!names.isEmpty)
        #expect(names.subtracting(allowed).isEmpty, "inherited: \(names.subtracting(allowed).sorted())")
        // This process has plenty the server must not see (the test runner's own variables).
        let ours = Set(ProcessInfo.processInfo.environment.keys).subtracting(allowed)
        #expect(!ours.isEmpty)
        #expect(names.intersection(ours).isEmpty)
        try await TestDatabase.runBlocking { try cluster.stop(mode: "immediate") }
    }

    @Test func aClusterMadeWithTrustIsGivenAPasswordOnStart() async throws {
        let cluster = try await TestDatabase.makePrivateCluster()
        try await TestDatabase.runBlocking { try cluster.stop() }
        // What an older version left behind: trust for every local connection, no password file.
        let hba = cluster.directory + "/data/pg_hba.conf"
        let handle = try #require(FileHandle(forWritingAtPath: hba))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("local all all trust\n".utf8))
        try handle.close()
        let oldPassword = try Self.password(cluster)
        try FileManager.default.removeItem(atPath: cluster.passwordFile)

        try await TestDatabase.runBlocking { try cluster.start() }
        #expect(Self.mode(cluster.passwordFile) == 0o600)
        let newPassword = try Self.password(cluster)
        #expect(newPassword != oldPassword && newPassword.count == 64)
        #expect(!(try String(contentsOfFile: hba, encoding: .utf8)).contains("trust"))
        let pool = PostgresPool(
            .init(connectionString: cluster.connectionString, connectionsMax: 1, connectTimeoutSeconds: 2))
        #expect(
            try await pool.withSession { try $0.query("SELECT current_user")[0].decode(0, as: String.self) }
                == "postgres")
        await pool.close()
        try await TestDatabase.runBlocking { try cluster.stop(mode: "immediate") }
    }

    static func password(_ cluster: EmbeddedCluster) throws -> String {
        let line = try String(contentsOfFile: cluster.passwordFile, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        return String(line.split(separator: ":").last ?? "")
    }
}

@Suite struct ChildProcessEnvironmentTests {
    @Test func childrenGetAMinimalEnvironmentUnlessGivenOne() async throws {
        let printed = try await TestDatabase.runBlocking {
            try ChildProcess.run("/usr/bin/env", [], captureOutput: true)
        }
        let names = Set(
            printed.split(separator: "\n").compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        #expect(names.contains("PATH") && names.contains("LC_ALL"))
        #expect(names.isSubset(of: ["PATH", "TZ", "TMPDIR", "LC_ALL", "LANG"]), "\(names.sorted())")
        let given = try await TestDatabase.runBlocking {
            try ChildProcess.run("/usr/bin/env", [], captureOutput: true, environment: ["ONLY": "this"])
        }
        #expect(given.trimmingCharacters(in: .whitespacesAndNewlines) == "ONLY=this")
    }

    @Test func inputReachesTheChildsStandardInput() async throws {
        let echoed = try await TestDatabase.runBlocking {
            try ChildProcess.run("/bin/cat", [], captureOutput: true, input: Array("line one\nline two\n".utf8))
        }
        #expect(echoed == "line one\nline two\n")
    }
}
