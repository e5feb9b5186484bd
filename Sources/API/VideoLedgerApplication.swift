import Hummingbird
import Jobs
import Ledger
import Logging
import Postgres
import Pricing
import ServiceLifecycle

/// Builds the REST service: routes over the shared database pool and price catalog.
public enum VideoLedgerApplication {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// When false, `/metrics` needs a token like every other route.
        public var metricsOpen: Bool

        public init(host: String = "127.0.0.1", port: Int = 8080, metricsOpen: Bool = true) {
            self.host = host
            self.port = port
            self.metricsOpen = metricsOpen
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

        public init(
            pool: PostgresPool, catalog: PriceCatalog, authenticator: TokenAuthenticator, jobs: JobService, reconciler: Reconciler,
            metrics: APIMetrics = APIMetrics()
        ) {
            self.pool = pool
            self.catalog = catalog
            self.authenticator = authenticator
            self.jobs = jobs
            self.reconciler = reconciler
            self.metrics = metrics
        }

        /// Routes without any provider configured: job submits are refused as not offered.
        /// For tests and benchmarks of the read side.
        public init(pool: PostgresPool, catalog: PriceCatalog, authenticator: TokenAuthenticator, metrics: APIMetrics = APIMetrics()) {
            self.init(
                pool: pool, catalog: catalog, authenticator: authenticator,
                jobs: JobService(pool: pool, catalog: catalog, adapters: [:]),
                reconciler: Reconciler(pool: pool, catalog: catalog, adapters: [:]), metrics: metrics)
        }
    }

    /// The OpenAPI document served at `/openapi.yaml`.
    public static var openAPIDocument: String { OpenAPIDocument.yaml }

    public static func router(configuration: Configuration, dependencies: Dependencies) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        // Outermost, so it sees every request's final status, refusals included.
        router.add(middleware: HTTPMetricsMiddleware(factory: dependencies.metrics.factory))
        router.add(middleware: ErrorMiddleware())
        var openPaths: Set<String> = ["/healthz"]
        if configuration.metricsOpen { openPaths.insert("/metrics") }
        router.add(middleware: AuthMiddleware(authenticator: dependencies.authenticator, openPaths: openPaths))
        HealthRoutes(pool: dependencies.pool).register(on: router)
        QuoteRoutes(catalog: dependencies.catalog, cheapestAnswers: CheapestAnswerCache()).register(on: router)
        UserRoutes(ledger: Ledger(pool: dependencies.pool)).register(on: router)
        SpendRoutes(pool: dependencies.pool).register(on: router)
        JobListRoutes(pool: dependencies.pool).register(on: router)
        JobRoutes(jobs: dependencies.jobs, pool: dependencies.pool).register(on: router)
        ReconciliationRoutes(reconciler: dependencies.reconciler).register(on: router)
        ProviderRoutes(pool: dependencies.pool).register(on: router)
        MetricsRoutes(registry: dependencies.metrics.registry,
                      gauges: DatabaseGauges(pool: dependencies.pool, factory: dependencies.metrics.factory)).register(on: router)
        OpenAPIRoutes().register(on: router)
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
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "videoledger"),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
