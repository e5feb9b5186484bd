import Foundation
import Postgres
import TestSupport
import Testing

/// `PostgresTimestamp` converts every Int64 and every Date without trapping, and the text it
/// writes for in-range instants is what PostgreSQL reads back exactly.
@Suite struct TimestampEdgeTests {
    @Test(arguments: [
        Int64.min, Int64.min + 1, -62_167_219_200_000_001, -1, 0, 1, 253_402_300_799_999_999,
        253_402_300_800_000_000, Int64.max - 1, Int64.max,
    ])
    func formattingNeverTraps(micros: Int64) {
        let text = PostgresTimestamp(microsecondsSinceEpoch: micros).postgresText
        #expect(text.hasSuffix("Z") || text.hasSuffix("Z BC"))
        #expect(text.contains("T"))
    }

    @Test func knownInstantsFormatExactly() {
        #expect(PostgresTimestamp(microsecondsSinceEpoch: 0).postgresText == "1970-01-01T00:00:00.000000Z")
        #expect(PostgresTimestamp(microsecondsSinceEpoch: -1).postgresText == "1969-12-31T23:59:59.999999Z")
        #expect(
            PostgresTimestamp(microsecondsSinceEpoch: 1_795_315_190_123_456).postgresText
                == "2026-11-22T02:39:50.123456Z")
        #expect(
            PostgresTimestamp(microsecondsSinceEpoch: 253_402_300_799_999_999).postgresText
                == "9999-12-31T23:59:59.999999Z")
        // Year 0 is 1 BC in PostgreSQL's text.
        #expect(
            PostgresTimestamp(microsecondsSinceEpoch: -62_167_219_200_000_000).postgresText
                == "0001-01-01T00:00:00.000000Z BC")
    }

    @Test func datesSaturateInsteadOfTrapping() {
        #expect(PostgresTimestamp(Date(timeIntervalSince1970: .infinity)).microsecondsSinceEpoch == .max)
        #expect(PostgresTimestamp(Date(timeIntervalSince1970: -.infinity)).microsecondsSinceEpoch == .min)
        #expect(PostgresTimestamp(Date(timeIntervalSince1970: .nan)).microsecondsSinceEpoch == 0)
        #expect(PostgresTimestamp(Date(timeIntervalSince1970: 1e300)).microsecondsSinceEpoch == .max)
        #expect(!PostgresTimestamp(microsecondsSinceEpoch: -1).isInAPIRange)
        #expect(PostgresTimestamp(microsecondsSinceEpoch: 0).isInAPIRange)
        #expect(!PostgresTimestamp.yearTenThousand.isInAPIRange)
    }

    @Test func postgresReadsBackWhatItIsSentAndInfinitySaturates() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        for micros: Int64 in [0, -1, 1_795_315_190_123_456, 253_402_300_799_999_999, -62_167_219_200_000_000] {
            let sent = PostgresTimestamp(microsecondsSinceEpoch: micros)
            let back = try await pool.withSession {
                try $0.query("SELECT $1::timestamptz", [sent])[0].decode(0, as: PostgresTimestamp.self)
            }
            #expect(back == sent, "\(sent.postgresText)")
        }
        // Far outside PostgreSQL's range: a data error from the server, not a crash here.
        do {
            _ = try await pool.withSession {
                try $0.query("SELECT $1::timestamptz", [PostgresTimestamp(microsecondsSinceEpoch: .min)])
            }
            Issue.record("PostgreSQL accepted year -292277")
        } catch let error as PostgresError {
            #expect(error.sqlState?.hasPrefix("22") == true, "\(error)")
        }
        let infinity = try await pool.withSession {
            try $0.query("SELECT 'infinity'::timestamptz")[0].decode(0, as: PostgresTimestamp.self)
        }
        #expect(infinity.microsecondsSinceEpoch == .max)
        await pool.close()
    }
}
