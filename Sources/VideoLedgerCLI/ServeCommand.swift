import API
import ArgumentParser
import Foundation
import Logging
import Metrics
import Postgres
import Pricing

/// `videoledger serve`: migrates the database, then serves the REST API until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service (REST API).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on (default: $VIDEOLEDGER_HOST or 127.0.0.1).") var host: String?
    @Option(help: "Port (default: $VIDEOLEDGER_PORT or 8080).") var port: Int?
    @Option(name: .customLong("pricing-dir"), help: "Price books (default: $VIDEOLEDGER_PRICING_DIR or ./pricing).")
    var pricingDirectory: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "videoledger")
        logger.logLevel = environment["VIDEOLEDGER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let catalog = try PricingDirectory.loadCatalog(pricingDirectory)
        let pool = try await database.makePool()
        let applied = try await Migrator(pool: pool, directory: database.resolvedMigrationsDirectory).migrate()
        logger.info("database ready", metadata: ["migrations_applied": "\(applied.count)", "price_book": "\(catalog.version.short)"])
        let tokens = TokenStore(pool: pool)
        try await DemoToken.ensure(tokens: tokens, logger: logger)
        let configuration = VideoLedgerApplication.Configuration(
            host: host ?? environment["VIDEOLEDGER_HOST"] ?? "127.0.0.1",
            port: port ?? environment["VIDEOLEDGER_PORT"].flatMap(Int.init) ?? 8080,
            metricsOpen: environment["VIDEOLEDGER_METRICS_OPEN"] != "false")
        // One registry for the process: the API's own metrics and everything recorded through
        // the global swift-metrics API (jobs, poller, providers) appear together at /metrics.
        // `serve` runs once per process, so this is the only bootstrap.
        let metrics = APIMetrics()
        MetricsSystem.bootstrap(metrics.factory)
        let dependencies = VideoLedgerApplication.Dependencies(
            pool: pool, catalog: catalog, authenticator: TokenAuthenticator(store: tokens), metrics: metrics)
        let application = VideoLedgerApplication.build(configuration: configuration, dependencies: dependencies, logger: logger)
        // runService installs SIGTERM/SIGINT handlers: on either, the server stops accepting
        // connections, lets in-flight requests finish (Hummingbird's quiescing helper), then
        // returns, and the pool closes after the last request is answered.
        try await application.runService()
        await pool.close()
    }
}

/// A first admin token for a new installation, so the README's examples work out of the box.
/// Its value goes to a private file (`.videoledger/admin-token`, mode 0600), never to the log.
enum DemoToken {
    static var path: String {
        ProcessInfo.processInfo.environment["VIDEOLEDGER_TOKEN_FILE"]
            ?? FileManager.default.currentDirectoryPath + "/.videoledger/admin-token"
    }

    static func ensure(tokens: TokenStore, logger: Logger) async throws {
        guard try await tokens.list().isEmpty else { return }
        let token = try await tokens.create(name: "admin", scope: .admin)
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: Data(token.utf8), attributes: [.posixPermissions: 0o600])
        logger.notice("created the first admin API token; its value is in the token file", metadata: ["file": "\(path)"])
    }
}
