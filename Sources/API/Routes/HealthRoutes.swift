import Basics
import Hummingbird
import Postgres
import Synchronization

/// `GET /healthz`: whether the service reaches its database. Open to all (no token) so load
/// balancers and the README's smoke test can call it, and therefore careful:
///
/// - the answer is generic (`ok` or `unavailable`): no database error text, which would name
///   the host, user, database or socket path;
/// - it never takes a connection from the pool that real requests use: one dedicated
///   connection probes the database, at most once per `cacheMilliseconds` however many callers
///   ask (they share one probe in flight and then its cached result), and a probe that takes
///   longer than `probeTimeoutMilliseconds` (5 s) counts as unavailable.
struct HealthRoutes: Sendable {
    let check: HealthCheck

    func register(on router: Router<APIRequestContext>) {
        router.get("/healthz") { _, _ in
            let health = await check.current()
            return try JSONResponse.make(health, status: health.status == "ok" ? .ok : .serviceUnavailable)
        }
    }
}

/// The single-flight, cached database probe behind `/healthz`.
final class HealthCheck: Sendable {
    struct Health: Encodable, Sendable, Equatable {
        let status: String
        let database: String
        let databaseLatencyMicroseconds: Int64?

        static let unavailable = Health(
            status: "unavailable", database: "unreachable", databaseLatencyMicroseconds: nil)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(status, forKey: .status)
            try container.encode(database, forKey: .database)
            try container.encodeIfPresent(databaseLatencyMicroseconds, forKey: .databaseLatencyMicroseconds)
        }

        enum CodingKeys: String, CodingKey { case status, database, databaseLatencyMicroseconds }
    }

    static let cacheMillisecondsDefault = 1_000
    static let probeTimeoutMillisecondsDefault = 5_000

    /// How long one probe's answer is reused.
    let cacheMilliseconds: Int
    /// A probe slower than this (connecting included) answers unavailable.
    let probeTimeoutMilliseconds: Int

    private struct State {
        var last: (health: Health, at: ContinuousClock.Instant)?
        var probe: Task<Health, Never>?
        var probesStarted = 0
    }

    /// Its own connection: a health check waits for nobody's pool and takes nobody's slot.
    let connection: PostgresConnection
    private let state = Mutex(State())

    init(
        connectionString: String, cacheMilliseconds: Int = HealthCheck.cacheMillisecondsDefault,
        probeTimeoutMilliseconds: Int = HealthCheck.probeTimeoutMillisecondsDefault
    ) {
        self.cacheMilliseconds = cacheMilliseconds
        self.probeTimeoutMilliseconds = probeTimeoutMilliseconds
        connection = PostgresConnection(
            connectionString: connectionString, label: "videoledger.healthz",
            connectTimeoutSeconds: max(1, min(300, (probeTimeoutMilliseconds + 999) / 1_000)))
    }

    /// Probes started so far (tests check the cache and the single flight with it).
    var probesStarted: Int { state.withLock { $0.probesStarted } }

    func current() async -> Health {
        let now = ContinuousClock.now
        let task = state.withLock { state -> Task<Health, Never>? in
            if let last = state.last, now - last.at < .milliseconds(cacheMilliseconds) { return nil }
            if let probe = state.probe { return probe }
            state.probesStarted += 1
            let probe = Task { [self] in
                let health = await self.probe()
                self.state.withLock { state in
                    state.last = (health, ContinuousClock.now)
                    state.probe = nil
                }
                return health
            }
            state.probe = probe
            return probe
        }
        guard let task else { return state.withLock { $0.last?.health } ?? .unavailable }
        return await task.value
    }

    /// `SELECT 1` on the dedicated connection, or unavailable after the timeout. A probe stuck
    /// in libpq keeps only this connection's own thread; the next one queues behind it and
    /// times out too, so the answer stays bounded.
    private func probe() async -> Health {
        let connection = self.connection
        let probeTimeoutMilliseconds = self.probeTimeoutMilliseconds
        return await firstAnswer(withinMilliseconds: probeTimeoutMilliseconds, orElse: .unavailable) {
            let start = ContinuousClock.now
            do {
                _ = try await connection.withSession { try $0.query("SELECT 1") }
                let micros = (ContinuousClock.now - start).wholeMicroseconds
                return Health(status: "ok", database: "ok", databaseLatencyMicroseconds: micros)
            } catch {
                return .unavailable
            }
        }
    }
}
