import Basics
import Foundation
import Jobs
import Ledger
import Postgres
import TestSupport
import Testing

/// Scorecards computed once per instant for every instance on one database, and never lost to
/// an instance that dies while computing.
@Suite struct SharedScorecardsTests {
    static let asOf = Date(timeIntervalSince1970: 1_800_000_000)

    /// A database with finished jobs at two providers in the windows ending at `asOf`.
    static func poolWithJobs() async throws -> PostgresPool {
        let pool = try await TestDatabase.makePool(connectionsMax: 4)
        try await Ledger(pool: pool).createUser("alice")
        try await pool.withSession { session in
            for (provider, status, hoursAgo) in [
                ("aimo", "completed", 2), ("aimo", "failed", 30), ("venice", "completed", 100),
                ("venice", "completed", 1),
            ] {
                try session.execute(
                    """
                    INSERT INTO jobs (id, user_id, origin, provider, provider_model, family, duration_seconds,
                                      price_book_version, quoted_micros, actual_micros, status, created_at, finished_at)
                    SELECT gen_random_uuid(), 'alice', 'submit', $1, 'm', 'veo-3.1-fast', 8, 'b', 640000,
                           CASE WHEN $2 = 'completed' THEN 650000 END, $2, t.created, t.created + interval '95 seconds'
                    FROM (SELECT $3::timestamptz - $4::int * interval '1 hour' AS created) t
                    """, [provider, status, asOf, hoursAgo])
            }
        }
        return pool
    }

    static func instance(_ pool: PostgresPool, _ id: String) -> SharedScorecards {
        SharedScorecards(reader: ScorecardReader(pool: pool, catalog: JobsHarness.catalog), instanceID: id)
    }

    @Test func threeInstancesComputeEachInstantOnceAndReadTheSameRows() async throws {
        let pool = try await Self.poolWithJobs()
        let instances = ["a", "b", "c"].map { Self.instance(pool, $0) }
        let outcomes = try await withThrowingTaskGroup(of: SharedScorecards.Outcome.self) { group in
            for instance in instances {
                group.addTask { try await instance.scorecard(asOf: Self.asOf, generation: 1) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter(\.computedHere).count == 1)
        let computed = try await instances[0].reader.compute(asOf: Self.asOf, generation: 1)
        #expect(computed.rows.count == 6)  // two providers in each of three windows
        for outcome in outcomes { #expect(outcome.scorecard.rows == computed.rows) }
        let claims = try await pool.withSession { session in
            try session.query("SELECT count(*) FROM scorecard_snapshots")[0].decode(0, as: Int64.self)
        }
        #expect(claims == 1)
        await pool.close()
    }

    @Test func aClaimThatRollsBackIsComputedByTheInstanceWaitingOnIt() async throws {
        let pool = try await Self.poolWithJobs()
        // Another instance claims the instant and dies before committing.
        let dying = PostgresConnection(connectionString: pool.configuration.connectionString)
        try await dying.withSession { session in
            try session.execute("BEGIN")
            try session.execute(
                "INSERT INTO scorecard_snapshots (as_of, computed_by) VALUES ($1, 'dying')", [Self.asOf])
        }
        let waiting = Task { try await Self.instance(pool, "survivor").scorecard(asOf: Self.asOf, generation: 1) }
        try await waitForALockWait(pool)
        try await dying.withSession { session in try session.execute("ROLLBACK") }
        let outcome = try await waiting.value
        #expect(outcome.computedHere && outcome.scorecard.rows.count == 6)
        let owner = try await pool.withSession { session in
            try session.query("SELECT computed_by FROM scorecard_snapshots")[0].decode(0, as: String.self)
        }
        #expect(owner == "survivor")
        await dying.close()
        await pool.close()
    }

    @Test func onlyTheNewestInstantsAreKept() async throws {
        let pool = try await Self.poolWithJobs()
        let instance = Self.instance(pool, "a")
        for minutes in 0..<5 {
            _ = try await instance.scorecard(asOf: Self.asOf.addingTimeInterval(Double(minutes) * 300), generation: 1)
        }
        let kept = try await pool.withSession { session in
            try session.query(
                "SELECT count(*), count(DISTINCT r.as_of) FROM scorecard_snapshots s LEFT JOIN scorecard_rows r USING (as_of)"
            )[0]
        }
        #expect(try kept.decode(1, as: Int64.self) == Int64(SharedScorecards.instantsKept))
        #expect(try kept.decode(0, as: Int64.self) == Int64(SharedScorecards.instantsKept * 6))
        await pool.close()
    }

    @Test func refreshesFallOnTheSameInstantsInEveryInstance() {
        let boundary = ClockPeriods.latestBoundary(
            atOrBefore: Date(timeIntervalSince1970: 1_800_000_299.999), intervalMilliseconds: 300_000)
        #expect(boundary == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(
            ClockPeriods.latestBoundary(
                atOrBefore: Date(timeIntervalSince1970: 1_800_000_300), intervalMilliseconds: 300_000)
                == Date(timeIntervalSince1970: 1_800_000_300))
    }
}
