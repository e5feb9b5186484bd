import Hummingbird
import Ledger
import Logging
import Postgres
import Pricing

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

        public init(pool: PostgresPool, catalog: PriceCatalog, authenticator: TokenAuthenticator, metrics: APIMetrics = APIMetrics()) {
            self.pool = pool
            self.catalog = catalog
            self.authenticator = authenticator
            self.metrics = metrics
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
        QuoteRoutes(catalog: dependencies.catalog).register(on: router)
        UserRoutes(ledger: Ledger(pool: dependencies.pool)).register(on: router)
        SpendRoutes(pool: dependencies.pool).register(on: router)
        JobListRoutes(pool: dependencies.pool).register(on: router)
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
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(configuration: configuration, dependencies: dependencies),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "videoledger"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
