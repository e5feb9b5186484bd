import Basics
import Foundation
import Jobs
import Logging
import Postgres
import Pricing
import ProviderRegistry
import Providers
import TestSupport
import Testing

/// Provider scorecards from jobs with known outcomes (run through the simulator over loopback,
/// into a real database), and what they do to `cheapest`.
@Suite struct ScorecardTests {
    /// veo-3.1-fast, 8 s, 720p: AIMO prices it at 0.64, Venice at 0.88.
    static func veo(_ scenario: String) -> JobSpec {
        JobSpec(family: "veo-3.1-fast", duration: 8, resolution: "720p", prompt: Specs.prompt(scenario))
    }

    /// Submits one job per scenario at `provider` and waits until each has ended or is held.
    static func run(_ harness: JobsHarness, _ provider: String, _ scenarios: [String]) async throws -> [JobRecord] {
        var ids: [UUID] = []
        for scenario in scenarios {
            ids.append(try await harness.submit(veo(scenario), provider: provider).job.id)
        }
        return try await harness.settle(ids) { $0.status.isTerminal || $0.status == .unknown }
    }

    /// A job service that may send only to AIMO and Venice, ranking with `board`.
    static func service(_ harness: JobsHarness, _ board: ScorecardBoard) -> JobService {
        let adapters = harness.adapters.filter { ["aimo", "venice"].contains($0.key.rawValue) }
        return JobService(
            pool: harness.pool, catalog: harness.catalog, adapters: adapters, configuration: harness.configuration,
            logger: harness.logger, scorecards: board)
    }

    static func request(_ harness: JobsHarness, rank: QuoteRank, key: String) -> JobRequest {
        var request = JobRequest(
            userID: harness.user, idempotencyKey: key, spec: veo("complete_after_ms=50"), provider: JobRequest.cheapest)
        request.rank = rank
        return request
    }

    /// Σ of what `provider` kept of its failed jobs (USD), from `provider_charges`.
    static func failedCharges(_ harness: JobsHarness, _ provider: String) async throws -> Int64 {
        Int64(
            try await harness.count(
                """
                SELECT coalesce(sum(greatest(c.total, 0)), 0)::int FROM (
                    SELECT sum(amount_micros) AS total FROM provider_charges pc JOIN jobs j ON j.id = pc.job_id
                    WHERE j.provider = $1 AND j.status = 'failed' AND pc.currency IN ('USD', 'USDC') GROUP BY j.id) c
                """, [provider]))
    }

    @Test func aCheaperProviderThatFailsLosesTheExpectedRankAndKeepsThePriceRank() async throws {
        try await JobsHarness.with(defaults: "complete_after_ms=100") { harness in
            // AIMO: 16 jobs, 12 failed; one more whose submit answer is lost (held as unknown).
            let aimoScenarios = Array(repeating: "outcome=failed", count: 12) + Array(repeating: "", count: 4)
            let aimo = try await Self.run(harness, "aimo", aimoScenarios + ["fault=5xx"])
            #expect(aimo.filter { $0.status == .failed }.count == 12)
            #expect(aimo.filter { $0.status == .unknown }.count == 1)
            // Venice: 17 jobs, one refused for content policy, the others completed.
            let venice = try await Self.run(
                harness, "venice", ["outcome=content_policy"] + Array(repeating: "", count: 16))
            #expect(venice.filter { $0.status == .completed }.count == 16)
            #expect(venice.first?.failureCode == "content_policy")

            let board = ScorecardBoard(catalog: harness.catalog)
            let scorecard = try await board.refresh(
                with: ScorecardReader(pool: harness.pool, catalog: harness.catalog), asOf: Date().addingTimeInterval(1))
            for window in Scorecard.windows {
                let row = try #require(scorecard.rows.first { $0.window == window && $0.provider.rawValue == "aimo" })
                #expect(row.family == "veo-3.1-fast")
                #expect(
                    row.jobs == 17 && row.completed == 4 && row.failed == 12 && row.contentPolicy == 0
                        && row.unknown == 1)
                #expect(row.stalled == 0 && row.cancelled == 0 && row.expired == 0 && row.inFlight == 0)
                #expect(row.completionRatePPB == 250_000_000 && row.failureRatePPB == 750_000_000)
                // What AIMO kept of the failed jobs, by our record of its charges.
                #expect(row.failedQuotedMicros == 12 * 640_000)
                #expect(row.failedBilledMicros == (try await Self.failedCharges(harness, "aimo")))
                #expect(row.p50Milliseconds != nil && row.p95Milliseconds! >= row.p50Milliseconds!)
                // Quote error: Σ(actual − quoted) over the completed jobs, to the micro-unit.
                #expect(row.costed == 4 && row.costedQuotedMicros == 4 * 640_000)
                let error = try await harness.count(
                    "SELECT coalesce(sum(actual_micros - quoted_micros), 0)::int FROM jobs WHERE provider = 'aimo' AND status = 'completed'"
                )
                #expect(row.quoteErrorTotalMicros == Int64(error))
            }
            let veniceRow = try #require(
                scorecard.rows.first { $0.window == "24h" && $0.provider.rawValue == "venice" })
            #expect(
                veniceRow.jobs == 17 && veniceRow.completed == 16 && veniceRow.contentPolicy == 1
                    && veniceRow.failed == 1)
            #expect(veniceRow.contentPolicyRatePPB == 58_823_529)

            // By price AIMO still wins; by expected cost Venice does, and AIMO is passed over for its record.
            let service = Self.service(harness, board)
            let byPrice = try await service.submit(Self.request(harness, rank: .price, key: "by-price"))
            #expect(byPrice.job.provider == "aimo")
            let byExpected = try await service.submit(Self.request(harness, rank: .expected, key: "by-expected"))
            #expect(byExpected.job.provider == "venice")

            let quote = try harness.catalog.request(
                for: QuoteInput(family: "veo-3.1-fast", duration: 8, resolution: "720p"), today: CalendarDay.today())
            let ranked = harness.catalog.rankedQuote(quote, rank: .expected, book: board.book)
            #expect(ranked.best?.offer.provider.rawValue == "venice")
            let passed = try #require(ranked.passedOver.first { $0.provider.rawValue == "aimo" })
            #expect(passed.code == "outranked")
            #expect(passed.reason.contains("over 16 jobs (4 completed"), "\(passed.reason)")
            let aimoOffer = try #require(ranked.offers.first { $0.offer.provider.rawValue == "aimo" })
            #expect(aimoOffer.offer.costMicros == 640_000 && aimoOffer.expectedMicros > ranked.best!.expectedMicros)

            // What the ranking saw is kept on the job for the savings report.
            let kept = try await harness.pool.withSession { session in
                try session.query(
                    "SELECT ranked_by, expected_micros, cheapest_price_micros, cheapest_expected_micros FROM jobs WHERE id = $1",
                    [byExpected.job.id]
                ).map { row in
                    (
                        try row.decode(0, as: String.self), try row.decode(1, as: Int64.self),
                        try row.decode(2, as: Int64.self),
                        try row.decode(3, as: Int64.self)
                    )
                }
            }
            let venicePick = try #require(ranked.offers.first { $0.offer.provider.rawValue == "venice" })
            #expect(kept.first?.0 == "expected")
            #expect(kept.first?.1 == venicePick.expectedMicros && kept.first?.3 == venicePick.expectedMicros)
            #expect(kept.first?.2 == 640_000)
            try await harness.expectInvariants()
        }
    }

    @Test func aProviderWithTwoLuckyJobsIsRankedOnThePrior() async throws {
        try await JobsHarness.with(defaults: "complete_after_ms=100") { harness in
            // AIMO, 0.64: 30 jobs, 21 completed. Venice, 0.88: two jobs, both completed.
            let aimo = try await Self.run(
                harness, "aimo", Array(repeating: "outcome=failed", count: 9) + Array(repeating: "", count: 21))
            #expect(aimo.filter { $0.status == .completed }.count == 21)
            let venice = try await Self.run(harness, "venice", ["", ""])
            #expect(venice.allSatisfy { $0.status == .completed })

            let board = ScorecardBoard(catalog: harness.catalog)
            try await board.refresh(
                with: ScorecardReader(pool: harness.pool, catalog: harness.catalog), asOf: Date().addingTimeInterval(1))
            let book = board.book
            let aimoEstimate = try #require(book.estimate(provider: ProviderID.aimo, family: "veo-3.1-fast"))
            let veniceEstimate = try #require(
                book.estimate(provider: ProviderID(rawValue: "venice")!, family: "veo-3.1-fast"))
            #expect(veniceEstimate.jobs == 2 && veniceEstimate.observedSuccessPPB == 1_000_000_000)
            // Taken at their word, two perfect jobs would win: 0.88 ÷ 1.0 against 0.64 ÷ 0.7.
            let rawVenice = Reliability.expectedMicros(
                priceMicros: 880_000, successPPB: veniceEstimate.observedSuccessPPB!, quoteErrorPPB: 0,
                failureBilledPPB: 0)
            let rawAIMO = Reliability.expectedMicros(
                priceMicros: 640_000, successPPB: aimoEstimate.observedSuccessPPB!, quoteErrorPPB: 0,
                failureBilledPPB: 0)
            #expect(rawVenice == 880_000 && rawAIMO == 914_286 && rawVenice < rawAIMO)
            // The prior (the family's pooled rate, 23 of 32) still weighs 20 ÷ 22 on Venice.
            #expect(veniceEstimate.priorSuccessPPB == 718_750_000)
            #expect(veniceEstimate.priorWeightPPB == 909_090_909)
            #expect(veniceEstimate.successPPB < 750_000_000)

            let service = Self.service(harness, board)
            let byExpected = try await service.submit(Self.request(harness, rank: .expected, key: "prior"))
            #expect(byExpected.job.provider == "aimo")
            try await harness.expectInvariants()
        }
    }

    /// Windows are `[as of − length, as of)` in UTC instants: crossing midnight moves jobs out
    /// exactly at their boundary, with the clock injected and the jobs' times set, not slept through.
    @Test func windowsRollOverAtUTCMidnight() async throws {
        try await JobsHarness.with(defaults: "complete_after_ms=50") { harness in
            let jobs = try await Self.run(harness, "venice", ["", "", ""])
            #expect(jobs.allSatisfy { $0.status == .completed })
            func instant(_ text: String) throws -> Date { try #require(ISO8601DateFormatter().date(from: text)) }
            // Moved in time with their finish, so each took what it took.
            let times = ["2026-03-01T23:59:59Z", "2026-03-02T00:00:00Z", "2026-02-23T00:00:00Z"]
            for (job, time) in zip(jobs, times) {
                _ = try await harness.pool.withSession { session in
                    try session.execute(
                        "UPDATE jobs SET finished_at = finished_at + ($2::timestamptz - created_at), created_at = $2::timestamptz WHERE id = $1",
                        [job.id, time])
                }
            }
            let clock = ManualClock(try instant("2026-03-02T23:59:59Z"))
            let board = ScorecardBoard(catalog: harness.catalog)
            let reader = ScorecardReader(pool: harness.pool, catalog: harness.catalog)
            func counts() async throws -> [String: Int] {
                let scorecard = try await board.refresh(with: reader, asOf: clock.now)
                #expect(scorecard.asOf == clock.now)
                return Dictionary(uniqueKeysWithValues: scorecard.rows.map { ($0.window, $0.jobs) })
            }
            // One second before midnight: 24 h reaches back to 23:59:59 on the 1st (inclusive).
            #expect(try await counts() == ["24h": 2, "7d": 2, "30d": 3])
            // Midnight: the job of 23:59:59 on the 1st leaves the 24 h window [Mar 2, Mar 3).
            clock.set(try instant("2026-03-03T00:00:00Z"))
            #expect(try await counts() == ["24h": 1, "7d": 2, "30d": 3])
            // A second past midnight the job made at midnight on the 2nd has left 24 h too.
            clock.advance(milliseconds: 1_000)
            #expect(try await counts() == ["7d": 2, "30d": 3])
            // The 7 d window on the 2nd at midnight: [Feb 23 00:00, Mar 2 00:00) holds the
            // boundary job and the one of 23:59:59, not the one made at its end.
            let back = ScorecardBoard(catalog: harness.catalog)
            let atMidnight = try await back.refresh(with: reader, asOf: try instant("2026-03-02T00:00:00Z"))
            #expect(
                Dictionary(uniqueKeysWithValues: atMidnight.rows.map { ($0.window, $0.jobs) }) == [
                    "24h": 1, "7d": 2, "30d": 2,
                ])
            // On March 25 at midnight the 30 d window still starts at the job of Feb 23 00:00; a
            // second later that job has left it.
            let late = try await back.refresh(with: reader, asOf: try instant("2026-03-25T00:00:00Z"))
            #expect(Dictionary(uniqueKeysWithValues: late.rows.map { ($0.window, $0.jobs) }) == ["30d": 3])
            let later = try await back.refresh(with: reader, asOf: try instant("2026-03-25T00:00:01Z"))
            #expect(Dictionary(uniqueKeysWithValues: later.rows.map { ($0.window, $0.jobs) }) == ["30d": 2])
            // Newer generations win; an older refresh never replaces a newer one.
            #expect(later.generation > late.generation && back.scorecard.generation == later.generation)
        }
    }
}
