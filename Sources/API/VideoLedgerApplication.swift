import Hummingbird
import Logging
import Postgres

/// Builds the REST service: routes over the shared database pool.
public enum VideoLedgerApplication {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int

        public init(host: String = "127.0.0.1", port: Int = 8080) {
            self.host = host
            self.port = port
        }
    }

    public static func build(
        configuration: Configuration,
        pool: PostgresPool,
        logger: Logger
    ) -> some ApplicationProtocol {
        let router = Router()
        HealthRoutes(pool: pool).register(on: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "videoledger"),
            logger: logger)
    }
}
