import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct DecodingTests {
    @Test func decodesEachSupportedType() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        let row = try await pool.withSession { session in
            try session.query(
                """
                SELECT $1::bigint, $2::int, $3::text, $4::bool, $5::timestamptz,
                       $6::uuid, $7::jsonb, NULL::bigint, 'x'::varchar, 2::smallint
                """,
                [
                    Int64.min + 1, Int32(-7), "héllo ✓", true,
                    PostgresTimestamp(microsecondsSinceEpoch: 1_763_776_790_123_456),
                    UUID(uuidString: "5F6B3D1C-0E2A-4C1B-9D8E-7A6B5C4D3E2F")!, "{\"amount\": \"0.800000\"}",
                ])[0]
        }
        #expect(try row.decode(0, as: Int64.self) == Int64.min + 1)
        #expect(try row.decode(1, as: Int32.self) == -7)
        #expect(try row.decode(2, as: String.self) == "héllo ✓")
        #expect(try row.decode(3, as: Bool.self) == true)
        #expect(try row.decode(4, as: PostgresTimestamp.self).microsecondsSinceEpoch == 1_763_776_790_123_456)
        #expect(try row.decode(5, as: UUID.self) == UUID(uuidString: "5F6B3D1C-0E2A-4C1B-9D8E-7A6B5C4D3E2F"))
        #expect(try row.decode(6, as: String.self) == "{\"amount\": \"0.800000\"}")
        #expect(try row.decodeIfPresent(7, as: Int64.self) == nil)
        #expect(try row.decode(8, as: String.self) == "x")
        #expect(try row.decode(9, as: Int64.self) == 2)
        await pool.close()
    }

    @Test func refusesTypeMismatchAndNull() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        let row = try await pool.withSession { try $0.query("SELECT 'text'::text AS t, NULL::int AS n")[0] }
        #expect(throws: PostgresError.self) { try row.decode("t", as: Int64.self) }
        #expect(throws: PostgresError.self) { try row.decode("n", as: Int64.self) }
        #expect(throws: PostgresError.self) { try row.decode("missing", as: Int64.self) }
        await pool.close()
    }

    @Test func parametersNeverBecomeSQL() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        let hostile = "'); DROP TABLE users; --"
        let echoed = try await pool.withSession {
            try $0.query("SELECT $1::text", [hostile])[0].decode(0, as: String.self)
        }
        #expect(echoed == hostile)
        let tables = try await pool.withSession {
            try $0.query("SELECT count(*) FROM pg_tables WHERE tablename = 'users'")[0].decode(0, as: Int64.self)
        }
        #expect(tables == 1)
        await pool.close()
    }

    @Test func arraysAndNullsAsParameters() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        let rows = try await pool.withSession { session in
            try session.query("SELECT x FROM unnest($1::text[]) AS x ORDER BY x", [["b\"q", "a,b", "c\\d"]])
                .map { try $0.decode(0, as: String.self) }
        }
        #expect(rows == ["a,b", "b\"q", "c\\d"])
        let isNull = try await pool.withSession {
            try $0.query("SELECT $1::int IS NULL", [nil])[0].decode(0, as: Bool.self)
        }
        #expect(isNull)
        await pool.close()
    }

    @Test func serverErrorsCarrySQLState() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        await #expect(throws: PostgresError.self) {
            try await pool.withSession { try $0.execute("SELECT 1/0") }
        }
        do {
            try await pool.withSession { try $0.execute("SELECT 1/0") }
        } catch let error as PostgresError {
            #expect(error.sqlState == "22012")
        }
        // The connection is still good after an error.
        let one = try await pool.withSession { try $0.query("SELECT 1")[0].decode(0, as: Int64.self) }
        #expect(one == 1)
        await pool.close()
    }
}
