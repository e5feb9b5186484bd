import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct MigratorTests {
    /// A copy of the repository's migrations in a scratch folder the test may edit.
    func scratchMigrations() throws -> String {
        let directory = "/tmp/videoledger-migrations-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: TestDatabase.migrationsDirectory, toPath: directory)
        return directory
    }

    func emptyDatabasePool() async throws -> PostgresPool {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        // The test databases come migrated; start this one from nothing.
        try await pool.withSession { session in
            try session.execute("DROP SCHEMA public CASCADE")
            try session.execute("CREATE SCHEMA public")
        }
        return pool
    }

    @Test func migratesAnEmptyDatabaseThenDoesNothing() async throws {
        let pool = try await emptyDatabasePool()
        let directory = try scratchMigrations()
        let migrator = Migrator(pool: pool, directory: directory)
        let files = try migrator.migrations()
        #expect(files.count >= 2)
        #expect(try await migrator.status().allSatisfy { $0.state == .pending })
        let applied = try await migrator.migrate()
        #expect(applied.map(\.version) == files.map(\.version))
        #expect(try await migrator.migrate().isEmpty)
        #expect(try await migrator.status().allSatisfy { $0.state == .applied })
        await pool.close()
    }

    @Test func refusesAnEditedMigration() async throws {
        let pool = try await emptyDatabasePool()
        let directory = try scratchMigrations()
        let migrator = Migrator(pool: pool, directory: directory)
        try await migrator.migrate()
        let first = try migrator.migrations()[0]
        let path = directory + "/" + String(format: "%04d", first.version) + "_" + first.name + ".sql"
        try (first.sql + "\n-- edited\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try await migrator.status().first?.state == .edited)
        await #expect(throws: Migrator.MigrationError.edited(version: first.version, name: first.name)) {
            try await migrator.migrate()
        }
        await pool.close()
    }

    @Test func refusesBadFileNames() throws {
        let directory = "/tmp/videoledger-migrations-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "SELECT 1;".write(toFile: directory + "/first.sql", atomically: true, encoding: .utf8)
        let pool = PostgresPool(.init(connectionString: "dbname=unused"))
        #expect(throws: Migrator.MigrationError.badFileName("first.sql")) {
            try Migrator(pool: pool, directory: directory).migrations()
        }
    }
}
