import Basics
import Foundation
import Ledger
import Money
import Postgres
import Reports
import TestSupport
import Testing

/// The nightly sections issue 16 adds: savings per user against the cheapest by price and by
/// expected cost at submit time, the month's daily spend per provider, and the scorecards.
@Suite struct ScorecardReportTests {
    typealias Support = ReportTestSupport

    @Test func savingsPerUserDailySpendAndScorecards() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 2)
        let ledger = Ledger(pool: pool)
        _ = try await ledger.createUser("ivy")
        _ = try await ledger.topUp(key: "fund-ivy", userID: "ivy", amount: Money(micros: 10_000_000, currency: .usd))
        // Three settled jobs: one ranked by price on the cheapest offer, one ranked by expected
        // cost that paid 0.24 over the cheapest price to save 0.30 of expected cost, one recorded.
        // (quoted, actual, ranked_by, expected, cheapest price, cheapest expected, provider)
        let jobs: [(Int64, Int64, String?, Int64?, Int64?, Int64?, String)] = [
            (640_000, 650_000, "price", 900_000, 640_000, 900_000, "aimo"),
            (880_000, 880_000, "expected", 1_100_000, 640_000, 1_100_000, "venice"),
            (500_000, 500_000, nil, nil, nil, nil, "venice"),
        ]
        for (index, job) in jobs.enumerated() {
            let hold = try await ledger.hold(
                key: "hold-\(index)", userID: "ivy", amount: Money(micros: job.0, currency: .usd), provider: job.6)
            try await pool.withSession { session in
                try session.execute(
                    """
                    INSERT INTO jobs (id, user_id, origin, provider, provider_model, family, duration_seconds, price_book_version,
                                      quoted_micros, actual_micros, hold_id, status, finished_at, ranked_by, expected_micros,
                                      cheapest_price_micros, cheapest_expected_micros, quote_conflict)
                    VALUES (gen_random_uuid(), 'ivy', 'submit', $1, 'm', 'veo-3.1-fast', 8, 'b', $2, $3, $4, 'completed', now(), $5,
                            $6::bigint, $7::bigint, $8::bigint, $9)
                    """,
                    // The first job's quote rests on a rate flagged as uncertain.
                    [job.6, job.0, job.1, hold, job.2, job.3, job.4, job.5, index == 0])
            }
            _ = try await ledger.capture(key: "capture-\(index)", holdID: hold, actualMicros: job.1)
        }
        let day = CalendarDay.today()
        let out = Support.temporaryDirectory("scorecards")
        _ = try await Support.runner(pool).nightly(
            NightlyReportRequest(date: day, outputDirectory: out, formats: [.csv, .html]))

        let savings = try Support.csvRows(out + "/nightly-\(day)-savings_by_user.csv")
        #expect(savings.count == 1)
        let ivy = try #require(savings.first)
        #expect(
            ivy["user_id"] == "ivy" && ivy["jobs"] == "3" && ivy["jobs_without_ranking"] == "1"
                && ivy["jobs_ranked_by_expected"] == "1")
        #expect(ivy["cost"] == "2.030000")
        #expect(
            ivy["quoted"] == "1.520000" && ivy["cheapest_price"] == "1.280000"
                && ivy["above_cheapest_price"] == "0.240000")
        #expect(
            ivy["expected"] == "2.000000" && ivy["cheapest_expected"] == "2.000000"
                && ivy["above_cheapest_expected"] == "0.000000")

        // Every day of the month to date, for both providers; the total is the day's spend.
        let daily = try Support.csvRows(out + "/nightly-\(day)-daily_spend_by_provider.csv")
        #expect(daily.count == 2 * day.day)
        #expect(Set(daily.map { $0["provider"] ?? "" }) == ["aimo", "venice"])
        let today = daily.filter { $0["day"] == day.description }
        #expect(today.map { $0["spend"] ?? "" } == ["0.650000", "1.380000"])
        #expect(daily.filter { $0["day"] != day.description }.allSatisfy { $0["spend"] == "0.000000" })

        // The flagged job explains all of AIMO's quote error, and none of Venice's.
        let accuracy = try Support.csvRows(out + "/nightly-\(day)-quote_accuracy.csv")
        #expect(
            accuracy.map {
                [$0["provider"], $0["jobs_on_conflicting_price"], $0["conflicting_price_error"], $0["error"]]
            }
                == [["aimo", "1", "0.010000", "0.010000"], ["venice", "0", "0.000000", "0.000000"]])

        let cards = try Support.csvRows(out + "/nightly-\(day)-provider_scorecards.csv")
        #expect(cards.map { $0["provider"] ?? "" } == ["aimo", "venice"])
        #expect(cards.allSatisfy { $0["success_rate"] == "1.0000" })
        #expect(cards.first?["quote_error"] == "0.010000")

        let html = try Support.text(out + "/nightly-\(day).html")
        #expect(html.contains("<polyline ") || day.day == 1)
        #expect(html.contains("aria-label=\"1.0000\""))
        await pool.close()
    }
}

/// The scorecard section reads tallies of jobs by time to complete rounded to the tenth, not the
/// jobs themselves: its percentiles must still be exactly `percentile_disc` over the jobs.
@Suite struct ScorecardPercentileTests {
    typealias Support = ReportTestSupport

    @Test func percentilesFromTalliesEqualPercentileDiscOverTheJobs() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 2)
        _ = try await Ledger(pool: pool).createUser("kit")
        // Times in microseconds, per provider: ties, halves that round away from zero (61.05 s,
        // 0.05 s), values a microsecond either side of a half, one job alone, two jobs, and 301
        // jobs from a seeded generator. Failed and expired jobs count towards the outcomes only.
        var generator = SplitMix64(seed: 0x5c0e_ca7d)
        let seeded = (0..<301).map { _ in Int64(generator.next() % 900_000_000) }
        let groups: [(provider: String, micros: [Int64])] = [
            ("aigate", [61_050_000, 61_050_000, 61_150_000, 50_000, 12_349_999, 12_350_000, 12_350_001, 100_950_000]),
            ("aimo", [7_450_000]),
            ("nanogpt", [3_000_000, 4_050_000]),
            ("venice", seeded),
        ]
        try await pool.withSession { session in
            for group in groups {
                for micros in group.micros {
                    try Self.insertJob(session, provider: group.provider, status: "completed", tookMicros: micros)
                }
            }
            try Self.insertJob(session, provider: "aigate", status: "failed", tookMicros: 5_000_000)
            try Self.insertJob(session, provider: "aimo", status: "expired", tookMicros: 9_000_000)
        }
        let day = CalendarDay.today()
        let out = Support.temporaryDirectory("scorecard-percentiles")
        _ = try await Support.runner(pool).nightly(
            NightlyReportRequest(date: day, outputDirectory: out, formats: [.csv]))
        let cards = try Support.csvRows(out + "/nightly-\(day)-provider_scorecards.csv")

        let expected = try await pool.withSession { session in
            try session.query(
                """
                SELECT provider,
                       count(*)::text,
                       count(*) FILTER (WHERE status = 'completed')::text,
                       coalesce(round((percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at))
                           FILTER (WHERE status = 'completed'))::numeric, 1)::text, ''),
                       coalesce(round((percentile_disc(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at))
                           FILTER (WHERE status = 'completed'))::numeric, 1)::text, '')
                FROM jobs WHERE user_id = 'kit'
                GROUP BY provider ORDER BY provider COLLATE "C"
                """
            ).map { row in try (0..<5).map { try row.decode($0, as: String.self) } }
        }
        #expect(expected.count == groups.count)
        #expect(
            cards.map { [$0["provider"], $0["jobs"], $0["completed"], $0["p50_seconds"], $0["p95_seconds"]] }
                == expected.map { $0.map { Optional($0) } })
        // The hand-made group by hand: 8 timed jobs; p50 is the 4th smallest, 12.350001 s shown as
        // 12.4; p95 the 8th, 100.95 s, a half, shown as 101.0.
        #expect(cards.first?["p50_seconds"] == "12.4" && cards.first?["p95_seconds"] == "101.0")
        await pool.close()
    }

    /// A finished job of `provider`, created an hour ago, that took `tookMicros` to finish.
    static func insertJob(_ session: PostgresSession, provider: String, status: String, tookMicros: Int64) throws {
        try session.execute(
            """
            INSERT INTO jobs (id, user_id, origin, provider, provider_model, family, duration_seconds, price_book_version,
                              quoted_micros, actual_micros, status, created_at, finished_at)
            SELECT gen_random_uuid(), 'kit', 'submit', $1, 'm', 'veo-3.1-fast', 8, 'b', 100, 100, $2, t.created,
                   t.created + $3::bigint * interval '1 microsecond'
            FROM (SELECT now() - interval '1 hour' AS created) t
            """, [provider, status, tookMicros])
    }
}
