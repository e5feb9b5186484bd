import API
import ArgumentParser
import Foundation
import Jobs
import Ledger
import Logging
import Metrics
import Postgres
import Pricing
import ProviderSimulator
import Providers
import Reconciliation
import ServiceLifecycle

/// `videoledger serve`: migrates the database, then runs the REST API, the poller and the
/// scheduled reconciliation until SIGTERM/SIGINT.
///
/// The built-in provider simulator runs only when asked for: `--simulator`,
/// `VIDEOLEDGER_SIMULATOR=true`, or the embedded default (no `DATABASE_URL`) with no provider
/// credentials at all, so a newcomer sees the whole flow. With a real database, a provider
/// without credentials is disabled (submits answer 503, its jobs are left alone), never faked.
///
/// SIGTERM drains: the HTTP server stops taking requests and answers those in flight, the
/// poller stops leasing, lets polls finish (10 s) and synchronous provider calls finish (AIGate
/// renders for up to 15 minutes; 930 s), heartbeating all the while, then releases its leases.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service: REST API, poller and reconciliation.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on (default: $VIDEOLEDGER_HOST or 127.0.0.1).") var host: String?
    @Option(help: "Port (default: $VIDEOLEDGER_PORT or 8080).") var port: Int?
    @Option(name: .customLong("pricing-dir"), help: "Price books (default: $VIDEOLEDGER_PRICING_DIR or ./pricing).")
    var pricingDirectory: String?
    @Option(name: .customLong("reconcile-every-minutes"), help: "Minutes between scheduled reconciliations.")
    var reconcileEveryMinutes = 60
    @Option(
        name: .customLong("scorecards-every-seconds"),
        help: "Seconds between provider scorecard refreshes (rank=expected ranks on the newest).")
    var scorecardsEverySeconds = 300
    @Flag(
        name: .customLong("live-quotes"),
        help:
            "Ask providers with a quote endpoint (Venice) for their live price on each submit and keep it beside the catalog quote (default: $VIDEOLEDGER_LIVE_QUOTES=true, else off)."
    )
    var liveQuotesFlag = false
    @Flag(
        name: .customLong("simulator"),
        help:
            "Point every provider at the built-in simulator (or at the VIDEOLEDGER_<PROVIDER>_BASE_URL exports of a running 'simulate-providers'), even with a real database. Never for production."
    )
    var simulatorFlag = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "videoledger")
        logger.logLevel = environment["VIDEOLEDGER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        guard (1...10_080).contains(reconcileEveryMinutes) else {
            throw ValidationError("--reconcile-every-minutes must be 1-10080")
        }
        guard (1...86_400).contains(scorecardsEverySeconds) else {
            throw ValidationError("--scorecards-every-seconds must be 1-86400")
        }
        let catalog = try PricingDirectory.loadCatalog(pricingDirectory)
        let pool = try await database.makeServicePool()
        let reads = try database.makeReadRouter(primary: pool, logger: logger)
        if database.configuredReadURL != nil {
            logger.info(
                "dashboard reads may use the read replica",
                metadata: ["replica_lag_max_ms": "\(reads.configuration.replicaLagMaxMilliseconds)"])
        }
        let applied = try await Migrator(pool: pool, directory: database.resolvedMigrationsDirectory).migrate()
        logger.info(
            "database ready",
            metadata: ["migrations_applied": "\(applied.count)", "price_book": "\(catalog.version.short)"])
        let tokens = TokenStore(pool: pool)
        try await DemoToken.ensure(pool: pool, logger: logger)

        let (simulator, providers) = try await Self.providers(
            environment, simulatorAsked: simulatorFlag || JobsEnvironment.simulatorRequested(environment),
            embedded: database.configuredURL == nil, logger: logger)
        logger.notice(
            "providers",
            metadata: [
                "live": "\(providers.adapters.keys.map(\.rawValue).sorted().joined(separator: ","))",
                "disabled": "\(providers.disabled.map(\.rawValue).joined(separator: ","))",
                "simulator": "\(providers.usesSimulator)",
            ])
        let liveQuotes =
            liveQuotesFlag || environment["VIDEOLEDGER_LIVE_QUOTES"] == "true"
            ? LiveQuotes(adapters: providers.adapters, logger: logger) : nil
        if let liveQuotes {
            logger.info(
                "live quotes on",
                metadata: ["providers": "\(liveQuotes.providers.map(\.rawValue).joined(separator: ","))"])
        }
        // One instance id for submits and polls: its heartbeat covers the leases of both.
        let instanceID = JobService.makeInstanceID()
        // One scorecard for quotes and submits, refreshed in the background and swapped in whole.
        let scorecards = ScorecardBoard(catalog: catalog)
        let jobs = JobService(
            pool: pool, catalog: catalog, adapters: providers.adapters, logger: logger, instanceID: instanceID,
            liveQuotes: liveQuotes,
            scorecards: scorecards)
        let poller = Poller(
            pool: pool, catalog: catalog, adapters: providers.adapters, logger: logger, instanceID: instanceID)
        let reconciler = Reconciler(pool: pool, catalog: catalog, adapters: providers.adapters, logger: logger)

        let metricsOpen: Bool?
        switch environment["VIDEOLEDGER_METRICS_OPEN"] ?? "" {
        case "": metricsOpen = nil  // open only on a loopback listener
        case "true": metricsOpen = true
        case "false": metricsOpen = false
        default:
            throw ValidationError(
                "VIDEOLEDGER_METRICS_OPEN must be true or false (unset: open only on a loopback address)")
        }
        let corsOrigins = (environment["VIDEOLEDGER_CORS_ORIGINS"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for origin in corsOrigins where origin != "*" {
            guard let url = URL(string: origin), let scheme = url.scheme, ["http", "https"].contains(scheme),
                url.host != nil,
                url.path.isEmpty, url.query == nil, !origin.hasSuffix("/")
            else {
                throw ValidationError(
                    "VIDEOLEDGER_CORS_ORIGINS: '\(origin.prefix(64))' is not an origin like https://dash.example.com")
            }
        }
        let configuration = VideoLedgerApplication.Configuration(
            host: host ?? environment["VIDEOLEDGER_HOST"] ?? "127.0.0.1",
            port: port ?? environment["VIDEOLEDGER_PORT"].flatMap(Int.init) ?? 8080,
            metricsOpen: metricsOpen, corsAllowedOrigins: corsOrigins)
        if !configuration.metricsOpen {
            logger.info(
                "/metrics needs a read token",
                metadata: [
                    "reason":
                        "\(metricsOpen == false ? "VIDEOLEDGER_METRICS_OPEN=false" : "the listener is not a loopback address")"
                ])
        }
        // One registry for the process: the API's own metrics and everything recorded through
        // the global swift-metrics API (jobs, poller, providers) appear together at /metrics.
        // `serve` runs once per process, so this is the only bootstrap.
        let metrics = APIMetrics()
        MetricsSystem.bootstrap(metrics.factory)
        let dependencies = VideoLedgerApplication.Dependencies(
            pool: pool, catalog: catalog, authenticator: TokenAuthenticator(store: tokens), jobs: jobs,
            reconciler: reconciler,
            metrics: metrics, scorecards: scorecards, reads: reads)
        let usesSimulator = providers.usesSimulator
        let startLogger = logger
        let application = VideoLedgerApplication.build(
            configuration: configuration, dependencies: dependencies, logger: logger,
            services: [
                PollerService(poller: poller),
                ReconcilerService(
                    reconciler: reconciler, intervalMilliseconds: reconcileEveryMinutes * 60_000,
                    instanceID: instanceID, logger: logger),
                ScorecardService(
                    board: scorecards,
                    shared: SharedScorecards(
                        reader: ScorecardReader(pool: pool, catalog: catalog), instanceID: instanceID),
                    intervalMilliseconds: scorecardsEverySeconds * 1_000, logger: logger),
                TransferMonthsService(months: TransferMonths(pool: pool), logger: logger),
            ],
            onServerRunning: { port in
                // The port actually bound (`--port 0` picks a free one): scripts and tests read it here.
                startLogger.notice("listening", metadata: ["port": "\(port)"])
                if usesSimulator { DemoInstructions.print(port: port) }
            })
        // runService installs SIGTERM/SIGINT handlers: the server stops accepting connections and
        // finishes in-flight requests, then the poller and reconciler return (releasing leases),
        // and only then do the HTTP client, the simulator and the pool close.
        try await application.runService()
        await providers.client.shutdown()
        await simulator?.stop()
        await reads.close()
        await pool.close()
    }

    /// The adapters `serve` runs with, and the simulator it started for them, if any. Simulator
    /// mode: asked for, or the embedded default without a single credential. A running
    /// simulator's exported base URLs are used when asked for and present; else the built-in one
    /// starts on free loopback ports.
    static func providers(
        _ environment: [String: String], simulatorAsked: Bool, embedded: Bool, logger: Logger
    ) async throws -> (RunningSimulator?, JobsEnvironment) {
        let credentials = try ProviderCredentials.fromEnvironment(environment)
        let noCredentials = credentials.configured.isEmpty
        guard simulatorAsked || (embedded && noCredentials) else {
            return (nil, try JobsEnvironment.make(environment: environment, logger: logger))
        }
        let exported = JobsEnvironment.baseURLOverrides(environment)
        if simulatorAsked && !exported.isEmpty {
            return (
                nil, try JobsEnvironment.make(environment: environment, simulatorBaseURLs: exported, logger: logger)
            )
        }
        let simulator = try await ProviderSimulator.start(.ephemeralPorts())
        let urls = Dictionary(uniqueKeysWithValues: simulator.baseURLs.map { ($0.key.rawValue, $0.value) })
        return (simulator, try JobsEnvironment.make(environment: environment, simulatorBaseURLs: urls, logger: logger))
    }
}

/// A first admin token for a new installation (see `AdminTokenBootstrap`), so the README's
/// examples work out of the box. Its value goes to a private file
/// (`.videoledger/secrets/admin-token`: mode 0600 in a 0700 folder), never to the log.
enum DemoToken {
    static var path: String {
        ProcessInfo.processInfo.environment["VIDEOLEDGER_TOKEN_FILE"]
            ?? FileManager.default.currentDirectoryPath + "/.videoledger/secrets/admin-token"
    }

    static func ensure(pool: PostgresPool, logger: Logger) async throws {
        do {
            if case .created(let name) = try await AdminTokenBootstrap.ensure(pool: pool, file: path) {
                logger.notice(
                    "created the first admin API token; its value is in the token file",
                    metadata: ["name": "\(name)", "file": "\(path)"])
            }
        } catch let failure as SecretFile.Failure {
            throw ValidationError(
                "cannot write the admin token file (\(failure)); set VIDEOLEDGER_TOKEN_FILE to a path in a folder of your own"
            )
        }
    }
}

/// The copy-paste walk-through printed when the service runs against the simulator.
enum DemoInstructions {
    static func print(port: Int) {
        let base = "http://127.0.0.1:\(port)"
        let text = """

            VideoLedger is running on \(base) with the built-in provider simulator (no provider credentials set).
            Try the whole path (the admin token is in \(DemoToken.path)):

              TOKEN=$(cat \(DemoToken.path)); AUTH="Authorization: Bearer $TOKEN"
              curl -s -X PUT -H "$AUTH" \(base)/v1/users/alice -d '{}'
              curl -s -X POST -H "$AUTH" -H 'Idempotency-Key: topup-1' \(base)/v1/users/alice/credits -d '{"amount":"25.00"}'
              curl -s -H "$AUTH" '\(base)/v1/quotes/cheapest?family=veo-3.1-fast&duration=8s&resolution=1080p'
              JOB=$(curl -s -X POST -H "$AUTH" -H 'Idempotency-Key: job-1' \(base)/v1/jobs \\
                -d '{"user_id":"alice","family":"veo-3.1-fast","duration":"8s","resolution":"1080p","prompt":"a fox in the snow"}' \\
                | sed -E 's/.*"id":"([^"]+)".*/\\1/')
              sleep 5; curl -s -H "$AUTH" \(base)/v1/jobs/$JOB        # completed, captured, the rest released
              curl -s -H "$AUTH" \(base)/v1/users/alice/balance

            """
        Swift.print(text)
        fflush(nil)
    }
}
