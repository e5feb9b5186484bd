import Foundation
import Hummingbird
import Logging
import Postgres
import Pricing
import TestSupport
import Testing

@testable import API

/// `/healthz` is open, so it says little and costs little: a generic status, one probe a
/// second on a connection of its own, never a connection from the pool real requests use.
@Suite struct HealthTests {
    @Test func answersWhileEveryPoolConnectionIsBusy() async throws {
        let server = try await APITestServer.start(poolConnections: 1)
        // Hold the pool's only connection for twelve seconds.
        let busy = Task { try await server.pool.withSession { try $0.query("SELECT pg_sleep(12)") } }
        for _ in 0..<200 where server.pool.usage.idle > 0 || server.pool.usage.opened == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(server.pool.usage == (opened: 1, idle: 0))
        let start = ContinuousClock.now
        let health = try await server.request(.get, "/healthz", token: .none)
        #expect(health.status == 200)
        #expect(health.json["status"] as? String == "ok")
        // Answered from the database (200: its own connection got through) without waiting for the pool.
        #expect(ContinuousClock.now - start < .seconds(10), "the health check waited for the pool")
        _ = try await busy.value
        await server.stop()
    }

    @Test func anUnreachableDatabaseIsAGeneric503() async throws {
        let socketFolder = "/tmp/videoledger-no-such-socket-\(getpid())"
        let check = HealthCheck(
            connectionString: "host=\(socketFolder) port=5999 user=secret_user dbname=secret_db connect_timeout=1")
        let health = await check.current()
        #expect(health == .unavailable)
        let body = String(buffer: try JSONResponse.body(health))
        #expect(body == #"{"database":"unreachable","status":"unavailable"}"#)
        for leak in [socketFolder, "secret_user", "secret_db", "5999", "PostgreSQL", "connect"] {
            #expect(!body.contains(leak), "\(leak)")
        }
    }

    @Test func probesAtMostOncePerCacheTimeWhateverTheTraffic() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        // A long cache time here, so a loaded machine cannot outlast it between two calls.
        let check = HealthCheck(
            connectionString: pool.configuration.connectionString, cacheMilliseconds: 20_000,
            probeTimeoutMilliseconds: 20_000)
        let answers = await withTaskGroup(of: HealthCheck.Health.self) { group in
            for _ in 0..<50 { group.addTask { await check.current() } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 50 && answers.allSatisfy { $0.status == "ok" })
        #expect(check.probesStarted == 1, "50 concurrent callers share one probe")
        _ = await check.current()
        #expect(check.probesStarted == 1, "a later call within the cache time is answered from the cache")
        #expect(HealthCheck(connectionString: "").cacheMilliseconds == 1_000, "serve's cache time")

        let short = HealthCheck(
            connectionString: pool.configuration.connectionString, cacheMilliseconds: 100,
            probeTimeoutMilliseconds: 20_000)
        #expect(await short.current().status == "ok")
        try await Task.sleep(for: .milliseconds(200))
        #expect(await short.current().status == "ok")
        #expect(short.probesStarted == 2, "an expired answer is probed again")
        // The pool was never touched.
        #expect(pool.usage.opened == 0)
        await pool.close()
    }
}
