import ArgumentParser
import Dispatch
import Foundation
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

    /// The connection string, starting the embedded cluster first when no URL is configured.
    func connectionString(embeddedDatabase: String = "videoledger") async throws -> String {
        if let url = configuredURL { return url }
        let directory =
            ProcessInfo.processInfo.environment["VIDEOLEDGER_EMBEDDED_DIR"]
            ?? FileManager.default.currentDirectoryPath + "/.videoledger/postgres"
        let cluster = EmbeddedCluster(directory: directory, databaseName: embeddedDatabase)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async { continuation.resume(with: Result { try cluster.start() }) }
        }
        return cluster.connectionString
    }

    func makePool() async throws -> PostgresPool {
        PostgresPool(.init(connectionString: try await connectionString(), connectionsMax: poolSize))
    }
}
