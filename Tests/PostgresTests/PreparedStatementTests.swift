import Postgres
import TestSupport
import Testing

@Suite struct PreparedStatementTests {
    private func preparedCount(_ session: PostgresSession) throws -> Int64 {
        try session.query("SELECT count(*) FROM pg_prepared_statements")[0].decode(0)
    }

    @Test func preparesOnceAndAnswersLikeAPlainQuery() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        let sql = "SELECT $1::bigint * 2, $2::text"
        let (answers, prepared) = try await pool.withSession { session in
            let answers = try (1...3).map { value -> Int64 in
                let row = try session.queryPrepared(sql, [Int64(value), "x"])[0]
                #expect(try row.decode(1, as: String.self) == "x")
                return try row.decode(0)
            }
            return (answers, try preparedCount(session))
        }
        #expect(answers == [2, 4, 6])
        #expect(prepared == 1)
        await pool.close()
    }

    /// A reconnect forgets the server's prepared statements; the session prepares them again.
    @Test func preparesAgainAfterTheConnectionIsReplaced() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        let sql = "SELECT $1::int + 1"
        let first = try await pool.withSession { try $0.queryPrepared(sql, [Int32(1)])[0].decode(0, as: Int32.self) }
        try await pool.withSession { session in
            // Ends this backend: the next use finds the connection dead and reconnects.
            _ = try? session.query("SELECT pg_terminate_backend(pg_backend_pid())")
        }
        _ = try? await pool.withSession { try $0.query("SELECT 1") }
        let second = try await pool.withSession { try $0.queryPrepared(sql, [Int32(41)])[0].decode(0, as: Int32.self) }
        #expect(first == 2)
        #expect(second == 42)
        await pool.close()
    }

    @Test func statementsPastTheLimitRunUnprepared() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        let (sum, prepared) = try await pool.withSession { session in
            var sum: Int64 = 0
            for index in 0..<80 {
                sum += try session.queryPrepared("SELECT \(index)::bigint + $1::bigint", [Int64(1)])[0].decode(
                    0, as: Int64.self)
            }
            return (sum, try preparedCount(session))
        }
        #expect(sum == (0..<80).reduce(0) { $0 + Int64($1) + 1 })
        #expect(prepared == 64)
        await pool.close()
    }
}
