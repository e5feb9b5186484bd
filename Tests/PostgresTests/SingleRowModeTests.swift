import Postgres
import TestSupport
import Testing

@Suite struct SingleRowModeTests {
    @Test func streamsEveryRowAndStaysUsable() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        let (sum, count) = try await pool.withSession { session in
            var sum: Int64 = 0
            var count = 0
            try session.forEachRowSingleRowMode("SELECT n FROM generate_series(1, $1::int) AS n", [20_000]) { row in
                sum += try row.decode(0, as: Int64.self)
                count += 1
            }
            return (sum, count)
        }
        #expect(sum == 20_000 * 20_001 / 2 && count == 20_000)
        let empty = try await pool.withSession { session in
            var rows = 0
            try session.forEachRowSingleRowMode("SELECT 1 WHERE false") { _ in rows += 1 }
            return rows
        }
        #expect(empty == 0)
        await pool.close()
    }

    struct Stop: Error {}

    @Test func errorsPropagateAndTheConnectionRecovers() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        // A server error mid-stream.
        await #expect(throws: PostgresError.self) {
            try await pool.withSession { session in
                try session.forEachRowSingleRowMode("SELECT 1 / (n - 500) FROM generate_series(1, 1000) AS n") { _ in }
            }
        }
        // The caller stops early: the rest of a long query is cancelled.
        await #expect(throws: Stop.self) {
            try await pool.withSession { session in
                var seen = 0
                try session.forEachRowSingleRowMode("SELECT n FROM generate_series(1, 50000000) AS n") { _ in
                    seen += 1
                    if seen == 10 { throw Stop() }
                }
            }
        }
        let after = try await pool.withSession { try $0.query("SELECT 42")[0].decode(0, as: Int64.self) }
        #expect(after == 42)
        await pool.close()
    }
}
