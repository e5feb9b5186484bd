import API
import ArgumentParser
import Foundation
import Logging
import Postgres

/// `videoledger serve`: migrates the database, then serves the REST API until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service (REST API).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on (default: $VIDEOLEDGER_HOST or 127.0.0.1).") var host: String?
    @Option(help: "Port (default: $VIDEOLEDGER_PORT or 8080).") var port: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "videoledger")
        logger.logLevel = environment["VIDEOLEDGER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let pool = try await database.makePool()
        let applied = try await Migrator(pool: pool, directory: database.resolvedMigrationsDirectory).migrate()
        logger.info("database ready", metadata: ["migrations_applied": "\(applied.count)"])
        let configuration = VideoLedgerApplication.Configuration(
            host: host ?? environment["VIDEOLEDGER_HOST"] ?? "127.0.0.1",
            port: port ?? environment["VIDEOLEDGER_PORT"].flatMap(Int.init) ?? 8080)
        let application = VideoLedgerApplication.build(configuration: configuration, pool: pool, logger: logger)
        try await application.runService()
        await pool.close()
    }
}
