import ArgumentParser
import Dispatch
import Foundation
import Jobs
import Logging
import Postgres

/// Where the database is: `DATABASE_URL` when set, else the embedded private cluster in
/// `.videoledger/postgres` under the working directory (created and started on demand).
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: "libpq connection string or URL (default: $DATABASE_URL, else the embedded cluster).")
    var databaseURL: String?

    @Option(
        name: .customLong("migrations-dir"),
        help: "Migration files (default: $VIDEOLEDGER_MIGRATIONS_DIR or ./migrations).")
    var migrationsDirectory: String?

    @Option(name: .customLong("pool-size"), help: "Database connections (each has its own thread).")
    var poolSize = 8

    @Option(
        name: .customLong("database-read-url"),
        help:
            "A streaming replica for dashboard reads and reports (default: $DATABASE_READ_URL; unset: the primary).")
    var databaseReadURL: String?

    @Option(
        name: .customLong("replica-lag-max-ms"),
        help: "Most a replica's answers may lag behind the primary (default: $VIDEOLEDGER_REPLICA_LAG_MAX_MS or 5000).")
    var replicaLagMaxMilliseconds: Int?

    var resolvedMigrationsDirectory: String {
        migrationsDirectory ?? ProcessInfo.processInfo.environment["VIDEOLEDGER_MIGRATIONS_DIR"] ?? "migrations"
    }

    /// The configured URL, or nil for the embedded cluster.
    var configuredURL: String? {
        guard let url = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
            return nil
        }
        return url
    }

    /// The embedded cluster (not started): `VIDEOLEDGER_EMBEDDED_DIR` or `./.videoledger/postgres`.
    func embeddedCluster(databaseName: String = "videoledger") -> EmbeddedCluster {
        let directory =
            ProcessInfo.processInfo.environment["VIDEOLEDGER_EMBEDDED_DIR"]
            ?? FileManager.default.currentDirectoryPath + "/.videoledger/postgres"
        return EmbeddedCluster(directory: directory, databaseName: databaseName)
    }

    /// The connection string, starting the embedded cluster first when no URL is configured.
    func connectionString(embeddedDatabase: String = "videoledger") async throws -> String {
        if let url = configuredURL { return url }
        let cluster = embeddedCluster(databaseName: embeddedDatabase)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async { continuation.resume(with: Result { try cluster.start() }) }
        }
        return cluster.connectionString
    }

    /// The configured read URL, or nil: then every read goes to the primary.
    var configuredReadURL: String? {
        guard let url = databaseReadURL ?? ProcessInfo.processInfo.environment["DATABASE_READ_URL"], !url.isEmpty
        else { return nil }
        return url
    }

    /// The replica lag limit in milliseconds, checked.
    func resolvedReplicaLagMaxMilliseconds() throws -> Int {
        let text = ProcessInfo.processInfo.environment["VIDEOLEDGER_REPLICA_LAG_MAX_MS"]
        guard let value = replicaLagMaxMilliseconds ?? text.map({ Int($0) ?? -1 }) else {
            return PostgresReadRouter.replicaLagMaxMillisecondsDefault
        }
        let range = PostgresReadRouter.replicaLagMaxMillisecondsRange
        guard range.contains(value) else {
            throw ValidationError(
                "the replica lag limit (--replica-lag-max-ms, VIDEOLEDGER_REPLICA_LAG_MAX_MS) must be a whole number of milliseconds, \(range.lowerBound)-\(range.upperBound)"
            )
        }
        return value
    }

    /// The router for dashboard reads and reports: over `primary` alone without a read URL,
    /// else with a replica pool of the same size.
    func makeReadRouter(primary: PostgresPool, logger: Logger? = nil) throws -> PostgresReadRouter {
        let lagMax = try resolvedReplicaLagMaxMilliseconds()
        guard let url = configuredReadURL else { return PostgresReadRouter(primary: primary) }
        return PostgresReadRouter(
            primary: primary, replica: PostgresReadRouter.replicaPool(connectionString: url, connectionsMax: poolSize),
            configuration: .init(replicaLagMaxMilliseconds: lagMax), logger: logger)
    }

    func makePool(idleInTransactionTimeoutMilliseconds: Int? = nil) async throws -> PostgresPool {
        PostgresPool(
            .init(
                connectionString: try await connectionString(), connectionsMax: poolSize,
                idleInTransactionTimeoutMilliseconds: idleInTransactionTimeoutMilliseconds))
    }

    /// The pool of a process that polls jobs (`serve`, `poll`): a session idle inside a
    /// transaction for as long as siblings wait before taking a silent instance for dead is
    /// ended by the server. None of their transactions waits on anything outside the database,
    /// so only a stopped or frozen process gets there, and its row and advisory locks then stop
    /// holding up the other instances' lease rounds, submits and settlements.
    func makeServicePool() async throws -> PostgresPool {
        try await makePool(idleInTransactionTimeoutMilliseconds: JobsConfiguration().heartbeatDeadAfterMilliseconds)
    }
}
