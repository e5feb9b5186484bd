import ArgumentParser
import Postgres

/// `videoledger migrate [--status]`.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending migrations, or list them with --status.")

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "List every migration and whether it is applied, pending or edited; change nothing.")
    var status = false

    func run() async throws {
        let pool = try await database.makePool()
        defer { Task { await pool.close() } }
        let migrator = Migrator(pool: pool, directory: database.resolvedMigrationsDirectory)
        if status {
            let statuses = try await migrator.status()
            for entry in statuses {
                print(
                    "\(String(format: "%04d", entry.version))  \(entry.state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0))  \(entry.name)"
                )
            }
            if statuses.contains(where: { $0.state == .edited || $0.state == .missingFile }) { throw ExitCode(1) }
            return
        }
        let applied = try await migrator.migrate()
        if applied.isEmpty {
            print("Database is up to date.")
        } else {
            for migration in applied { print("applied \(String(format: "%04d", migration.version)) \(migration.name)") }
        }
    }
}
