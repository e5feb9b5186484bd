import Dispatch
import Foundation
import Postgres
import Synchronization

/// A throwaway PostgreSQL cluster for this test process, started on first use and stopped at
/// exit. Each caller gets a database of its own, cloned from a template that has every
/// migration applied, so tests run in parallel without seeing each other's rows.
public enum TestDatabase {
    /// The folder holding the repository's `migrations/`.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static var migrationsDirectory: String { repositoryRoot + "/migrations" }

    /// Tests connect with a long timeout: a loaded machine (the suite twice at once beside a
    /// build) can take many seconds to start a backend, and no test is about connect latency.
    public static let connectTimeoutSeconds = 60
    /// The same for waiting on a pooled connection: tests that are about the acquire timeout
    /// build their own pool with a short one.
    public static let acquireTimeoutMilliseconds = 120_000

    /// A pool on a fresh, fully migrated database.
    public static func makePool(connectionsMax: Int = 8) async throws -> PostgresPool {
        let connectionString = try await host.freshDatabase()
        return PostgresPool(
            .init(
                connectionString: connectionString, connectionsMax: connectionsMax,
                acquireTimeoutMilliseconds: acquireTimeoutMilliseconds,
                connectTimeoutSeconds: connectTimeoutSeconds))
    }

    /// A new cluster of its own (for tests that stop and start the server), in a fresh folder.
    public static func makePrivateCluster() async throws -> EmbeddedCluster {
        let cluster = EmbeddedCluster(directory: try await temporaryDirectory("private"), port: freePort())
        try await runBlocking { try cluster.start() }
        registerForStop(cluster)
        return cluster
    }

    /// A primary of its own, fully migrated, and a streaming-replication standby of it made with
    /// `pg_basebackup -R` (its own folder and 0700 socket folder, the server run as `postgres`
    /// when root, like the primary). For the read-replica tests, which pause, stop and restart
    /// the standby: the shared cluster never has one.
    public static func makePrimaryWithStandby() async throws -> (primary: EmbeddedCluster, standby: EmbeddedCluster) {
        let primary = try await makePrivateCluster()
        let pool = PostgresPool(
            .init(
                connectionString: primary.connectionString, connectionsMax: 1,
                connectTimeoutSeconds: connectTimeoutSeconds))
        try await Migrator(pool: pool, directory: migrationsDirectory).migrate()
        await pool.close()
        let standby = EmbeddedCluster(directory: try await temporaryDirectory("standby"), port: freePort())
        try await runBlocking { try standby.startStandby(of: primary) }
        registerForStop(standby)
        return (primary, standby)
    }

    /// Runs blocking work (process launches) on a thread of its own, not the cooperative pool.
    public static func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    static let host = ClusterHost()

    /// Removes folders left by earlier test processes that are no longer running (a crashed
    /// run cannot clean up after itself), so /tmp does not fill up run after run. Slow with many
    /// leftovers on a loaded disk, and everyone waits on this once-initializer: it runs only
    /// inside `runBlocking`, never on the cooperative pool (where it once froze every test of
    /// the process for 90 s).
    static let removeStaleFolders: Void = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for name in names where name.hasPrefix("videoledger-test-") || name.hasPrefix("videoledger-migrations-") {
            let parts = name.split(separator: "-")
            if name.hasPrefix("videoledger-test-"), parts.count > 2, let pid = pid_t(parts[2]), kill(pid, 0) == 0 {
                continue
            }
            if name.hasPrefix("videoledger-migrations-") {
                let attributes = try? FileManager.default.attributesOfItem(atPath: "/tmp/" + name)
                let modified = attributes?[.modificationDate] as? Date ?? .distantPast
                if modified > Date().addingTimeInterval(-3_600) { continue }
            }
            // A killed run leaves its server running: stop it before removing its folder.
            EmbeddedCluster(directory: "/tmp/" + name).stopImmediatelyBySignal()
            try? FileManager.default.removeItem(atPath: "/tmp/" + name)
        }
    }()

    static func temporaryDirectory(_ purpose: String) async throws -> String {
        try await runBlocking { _ = removeStaleFolders }
        let path = "/tmp/videoledger-test-\(getpid())-\(purpose)-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A port number for a socket name; only the number matters (nothing listens on TCP), so
    /// uniqueness per process and cluster is enough.
    static func freePort() -> Int {
        let next = portCounter.withLock { counter -> Int in
            counter += 1
            return counter
        }
        return 20_000 + Int(getpid() % 2_000) * 10 + next % 10
    }

    private static let portCounter = Mutex(0)
    static let clustersToStop = Mutex<[EmbeddedCluster]>([])

    static func registerForStop(_ cluster: EmbeddedCluster) {
        let first = clustersToStop.withLock { clusters -> Bool in
            clusters.append(cluster)
            return clusters.count == 1
        }
        if first {
            atexit {
                for cluster in TestDatabase.clustersToStop.withLock({ $0 }) {
                    cluster.stopImmediatelyBySignal()
                }
            }
        }
    }
}

/// Starts the shared cluster once and hands out databases.
actor ClusterHost {
    /// Started once; every caller awaits the same start (actor methods re-enter across awaits).
    private var template: Task<EmbeddedCluster, any Error>?
    private var databasesMade = 0

    func freshDatabase() async throws -> String {
        let cluster = try await templateCluster()
        databasesMade += 1
        let name = "test_\(databasesMade)"
        let admin = PostgresPool(
            .init(
                connectionString: cluster.connectionString(database: "postgres"), connectionsMax: 1,
                connectTimeoutSeconds: TestDatabase.connectTimeoutSeconds))
        try await admin.withSession { session in
            try session.execute("CREATE DATABASE \(name) TEMPLATE videoledger")
        }
        await admin.close()
        return cluster.connectionString(database: name)
    }

    private func templateCluster() async throws -> EmbeddedCluster {
        if let template { return try await template.value }
        let starting = Task { try await Self.startTemplateCluster() }
        template = starting
        return try await starting.value
    }

    private static func startTemplateCluster() async throws -> EmbeddedCluster {
        let cluster = EmbeddedCluster(
            directory: try await TestDatabase.temporaryDirectory("shared"), port: TestDatabase.freePort())
        try await TestDatabase.runBlocking { try cluster.start() }
        TestDatabase.registerForStop(cluster)
        let pool = PostgresPool(
            .init(
                connectionString: cluster.connectionString, connectionsMax: 1,
                connectTimeoutSeconds: TestDatabase.connectTimeoutSeconds))
        try await Migrator(pool: pool, directory: TestDatabase.migrationsDirectory).migrate()
        await pool.close()
        return cluster
    }
}
