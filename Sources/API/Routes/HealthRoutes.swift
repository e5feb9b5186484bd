import Hummingbird
import Postgres

/// `GET /healthz`: whether the service can reach its database, and how fast. Open to all
/// (no token) so load balancers and the README's smoke test can call it.
struct HealthRoutes: Sendable {
    let pool: PostgresPool

    struct Health: Encodable {
        let status: String
        let database: String
        let databaseLatencyMicroseconds: Int64?
        let error: String?
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/healthz") { _, _ in try await self.health() }
    }

    func health() async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await pool.withSession { try $0.query("SELECT 1") }
            let elapsed = clock.now - start
            let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
            return try JSONResponse.make(Health(status: "ok", database: "ok", databaseLatencyMicroseconds: micros, error: nil))
        } catch let error as PostgresError {
            return try JSONResponse.make(
                Health(status: "unavailable", database: "unreachable", databaseLatencyMicroseconds: nil, error: error.description),
                status: .serviceUnavailable)
        }
    }
}
