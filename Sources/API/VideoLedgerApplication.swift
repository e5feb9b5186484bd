import Hummingbird
import Jobs
import Ledger
import Logging
import Postgres
import Pricing
import Reconciliation
import ServiceLifecycle

/// Builds the REST service: routes over the shared database pool and price catalog.
public enum VideoLedgerApplication {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// When false, `/metrics` needs a read token like every other route but `/healthz`.
        public var metricsOpen: Bool
        /// Browser origins (`https://dash.example.com`) allowed to call the API cross-origin;
        /// `*` allows any. Empty: no CORS headers at all (the default).
        public var corsAllowedOrigins: [String]
        /// `/healthz` answers unavailable when its probe (connecting included) takes longer.
        public var healthProbeTimeoutMilliseconds = 5_000

        /// - Parameter metricsOpen: nil (the default) opens `/metrics` only while the listener
        ///   is a loopback address, since it shows business figures (customer funds, amounts
        ///   owed to providers); true or false decides explicitly.
        public init(
            host: String = "127.0.0.1", port: Int = 8080, metricsOpen: Bool? = nil, corsAllowedOrigins: [String] = []
        ) {
            self.host = host
            self.port = port
            self.metricsOpen = metricsOpen ?? Self.isLoopback(host: host)
            self.corsAllowedOrigins = corsAllowedOrigins
        }

        /// `localhost`, `::1` and 127.0.0.0/8; everything else (0.0.0.0 and :: included) may
        /// be reached from other machines.
        public static func isLoopback(host: String) -> Bool {
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            if bare.lowercased() == "localhost" || bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
            let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
            guard octets.count == 4, octets.allSatisfy({ $0.count <= 3 && UInt8($0) != nil }) else { return false }
            return octets[0] == "127"
        }
    }

    /// What the routes need.
    public struct Dependencies: Sendable {
        public var pool: PostgresPool
        public var catalog: PriceCatalog
        public var authenticator: TokenAuthenticator
        /// Where `/metrics` reads from and request metrics go. A fresh registry by default, so
        /// tests never touch the process-wide `MetricsSystem`.
        public var metrics: APIMetrics
        public var jobs: JobService
        public var reconciler: Reconciler
        /// The scorecard in force: `rank=expected` and `/v1/providers/scorecards` read it.
        public var scorecards: ScorecardBoard
        /// Where the dashboard read routes read (`DashboardReads`): the primary `pool` alone by
        /// default, or a streaming replica within a lag bound.
        public var reads: PostgresReadRouter

        public init(
            pool: PostgresPool, catalog: PriceCatalog, authenticator: TokenAuthenticator, jobs: JobService,
            reconciler: Reconciler,
            metrics: APIMetrics = APIMetrics(), scorecards: ScorecardBoard? = nil, reads: PostgresReadRouter? = nil
        ) {
            self.pool = pool
            self.catalog = catalog
            self.authenticator = authenticator
            self.jobs = jobs
            self.reconciler = reconciler
            self.metrics = metrics
            self.scorecards = scorecards ?? ScorecardBoard(catalog: catalog)
            self.reads = reads ?? PostgresReadRouter(primary: pool)
        }

        /// Routes without any provider configured: job submits are refused as not offered.
        /// For tests and benchmarks of the read side.
        public init(
            pool: PostgresPool, catalog: PriceCatalog, authenticator: TokenAuthenticator,
            metrics: APIMetrics = APIMetrics(), reads: PostgresReadRouter? = nil
        ) {
            self.init(
                pool: pool, catalog: catalog, authenticator: authenticator,
                jobs: JobService(pool: pool, catalog: catalog, adapters: [:]),
                reconciler: Reconciler(pool: pool, catalog: catalog, adapters: [:]), metrics: metrics, reads: reads)
        }
    }

    /// The OpenAPI document served at `/openapi.yaml`.
    public static var openAPIDocument: String { OpenAPIDocument.yaml }

    public static func router(configuration: Configuration, dependencies: Dependencies) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        // Outermost, so it sees every request's final status, refusals included.
        router.add(middleware: HTTPMetricsMiddleware(factory: dependencies.metrics.factory))
        if !configuration.corsAllowedOrigins.isEmpty {
            router.add(middleware: CORSMiddleware(allowedOrigins: configuration.corsAllowedOrigins))
        }
        let routeMethods = RouteMethods()
        router.add(middleware: ErrorMiddleware(routes: routeMethods))
        var openPaths: Set<String> = ["/healthz"]
        if configuration.metricsOpen { openPaths.insert("/metrics") }
        router.add(middleware: AuthMiddleware(authenticator: dependencies.authenticator, openPaths: openPaths))
        HealthRoutes(
            check: HealthCheck(
                connectionString: dependencies.pool.configuration.connectionString,
                probeTimeoutMilliseconds: configuration.healthProbeTimeoutMilliseconds)
        ).register(on: router)
        QuoteRoutes(
            catalog: dependencies.catalog, cheapestAnswers: CheapestAnswerCache(), scorecards: dependencies.scorecards
        )
        .register(on: router)
        ScorecardRoutes(board: dependencies.scorecards).register(on: router)
        let idempotent = IdempotentRequests(pool: dependencies.pool)
        UserRoutes(ledger: Ledger(pool: dependencies.pool), idempotent: idempotent).register(on: router)
        let reads = DashboardReads(router: dependencies.reads)
        SpendRoutes(reads: reads).register(on: router)
        let jobStore = JobStore(pool: dependencies.pool)
        JobListRoutes(reads: reads).register(on: router)
        JobRoutes(jobs: dependencies.jobs, store: jobStore, idempotent: idempotent).register(on: router)
        ReconciliationRoutes(reconciler: dependencies.reconciler, idempotent: idempotent, reads: reads).register(
            on: router)
        TokenRoutes(store: dependencies.authenticator.store, authenticator: dependencies.authenticator).register(
            on: router)
        ProviderRoutes(reads: reads).register(on: router)
        MetricsRoutes(
            registry: dependencies.metrics.registry,
            gauges: DatabaseGauges(pool: dependencies.pool, factory: dependencies.metrics.factory)
        ).register(on: router)
        OpenAPIRoutes().register(on: router)
        routeMethods.load(router.routes.map { (method: $0.method.rawValue, path: $0.path.description) })
        return router
    }

    public static func build(
        configuration: Configuration,
        dependencies: Dependencies,
        logger: Logger,
        services: [any Service] = [],
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(configuration: configuration, dependencies: dependencies),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "videoledger"),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
