import Dispatch
import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct PoolTests {
    @Test func neverOpensMoreThanItsLimit() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 3)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask { _ = try await pool.withSession { try $0.execute("SELECT pg_sleep(0.01)") } }
            }
            try await group.waitForAll()
        }
        #expect(pool.usage.opened == 3)
        let backends = try await pool.withSession { session in
            try session.query(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'videoledger' AND datname = current_database()"
            )[0]
            .decode(0, as: Int64.self)
        }
        #expect(backends <= 3)
        await pool.close()
    }

    @Test func waitersTimeOutWithATypedError() async throws {
        let connectionString = try await TestDatabase.makePool(connectionsMax: 1).configuration.connectionString
        let pool = PostgresPool(
            .init(connectionString: connectionString, connectionsMax: 1, acquireTimeoutMilliseconds: 200))
        // The only connection is held until the waiter has seen its timeout: explicit signals,
        // no sleep that a loaded machine could outlast. The holder blocks its connection's own
        // thread (never the cooperative pool) on the semaphore.
        let (taken, signal) = AsyncStream<Void>.makeStream()
        let waiterDone = DispatchSemaphore(value: 0)
        async let holder: Void = pool.withSession { session in
            try session.execute("SELECT 1")
            signal.yield()
            waiterDone.wait()
        }
        var iterator = taken.makeAsyncIterator()
        await iterator.next()
        let refused = await #expect(throws: PostgresError.self) {
            try await pool.withSession { try $0.execute("SELECT 1") }
        }
        waiterDone.signal()
        if case .poolExhausted? = refused {
        } else {
            Issue.record("expected an acquire timeout, got \(String(describing: refused))")
        }
        try await holder
        await pool.close()
    }

    /// A process stopped inside a transaction (SIGSTOP, a frozen VM) holds its locks for as long
    /// as its session lives. With an idle-in-transaction timeout the server ends that session and
    /// the locks go with it; the connection, used again, opens a new session with the same
    /// settings.
    @Test func aSessionIdleInATransactionIsEndedAndItsLocksReleased() async throws {
        let connectionString = try await TestDatabase.makePool(connectionsMax: 1).configuration.connectionString
        let pool = PostgresPool(
            .init(connectionString: connectionString, connectionsMax: 1, idleInTransactionTimeoutMilliseconds: 300))
        let show = "SHOW idle_in_transaction_session_timeout"
        #expect(try await pool.withSession { try $0.query(show)[0].decode(0, as: String.self) } == "300ms")
        await pool.close()

        let frozen = PostgresConnection(connectionString: connectionString, idleInTransactionTimeoutMilliseconds: 300)
        try await frozen.withSession { session in
            try session.execute("BEGIN")
            try session.execute("SELECT pg_advisory_xact_lock(424242)")
        }
        // Another session waits for the lock until the server has ended the idle one (a minute
        // at most: without the timeout it would wait forever).
        let other = PostgresConnection(connectionString: connectionString)
        try await other.withSession { session in
            try session.execute("SET lock_timeout = '60s'")
            try session.execute("SELECT pg_advisory_lock(424242)")
            try session.execute("SELECT pg_advisory_unlock(424242)")
        }
        await #expect(throws: PostgresError.self) { try await frozen.withSession { try $0.execute("COMMIT") } }
        #expect(try await frozen.withSession { try $0.query(show)[0].decode(0, as: String.self) } == "300ms")
        await frozen.close()
        await other.close()
    }

    @Test func survivesAServerRestart() async throws {
        let cluster = try await TestDatabase.makePrivateCluster()
        let pool = PostgresPool(
            .init(connectionString: cluster.connectionString, connectionsMax: 4, connectTimeoutSeconds: 30))
        let before = try await pool.withSession { try $0.query("SELECT 41 + 1")[0].decode(0, as: Int64.self) }
        #expect(before == 42)

        try await TestDatabase.runBlocking { try cluster.stop(mode: "immediate") }
        // While the server is down every call fails cleanly with a typed error; none hangs.
        for _ in 0..<5 {
            do {
                _ = try await pool.withSession { try $0.query("SELECT 1") }
                Issue.record("a query succeeded while the server was down")
            } catch let error as PostgresError {
                switch error {
                case .connectionLost, .connectionFailed: break
                default: Issue.record("unexpected error while down: \(error)")
                }
            }
        }

        try await TestDatabase.runBlocking { try cluster.start() }
        // After the restart, every pooled connection reconnects on its next use.
        try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<16 { group.addTask { try await pool.withSession { try $0.query("SELECT 7")[0].decode(0) } } }
            for try await value in group { #expect(value == 7) }
        }
        await pool.close()
        try await TestDatabase.runBlocking { try cluster.stop(mode: "immediate") }
    }
}
