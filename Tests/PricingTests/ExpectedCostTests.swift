import Basics
import Foundation
import ProviderRegistry
import Testing

@testable import Pricing

/// Expected cost per successful clip: the arithmetic by hand, the prior, the interval, and the
/// fast lookup agreeing with the full ranking.
@Suite struct ExpectedCostTests {
    static let veo = ProviderFamily(provider: ProviderID(rawValue: "aimo")!, family: "veo-3.1-fast")

    /// Ten jobs with an outcome, eight completed; the completed ones billed 2.5 % over their
    /// quotes of 0.64; the two failed ones billed half their quotes; the family's prior 0.9.
    ///
    /// By hand (S = 10⁹, k = 20 pseudo-jobs of the prior):
    /// - success estimate (8 + 20 × 0.9) ÷ 30 = 0.8666… → 866_666_667 ppb; prior weight 20 ÷ 30;
    /// - ranking rate: Wilson's lower bound at z 1.96 over 26 of 30 = 0.70318316055… → 703_183_161;
    /// - quote error with the prior (0) fading: 128_000 × 8 ÷ (5_120_000 × 28) = 0.0071428571… → 7_142_857;
    /// - failures billed, the prior (0) fading alike: 640_000 × 2 ÷ (1_280_000 × 22) = 0.0454545… → 45_454_545;
    /// - expected = 640_000 × ((S + 7_142_857) × S + 45_454_545 × (S − 703_183_161)) ÷ (S × 703_183_161)
    ///   = 928_927.39… → 928_927 micro-USD, rounded half-up once.
    @Test func handComputedExpectedCost() {
        let counts = ReliabilityCounts(
            decided: 10, completed: 8, costedJobs: 8, costedQuotedMicros: 5_120_000, costedErrorMicros: 128_000,
            failedJobs: 2,
            failedQuotedMicros: 1_280_000, failedBilledMicros: 640_000, p95Milliseconds: 61_000)
        let estimate = ReliabilityEstimate.make(
            Self.veo, counts: counts, priorSuccessPPB: 900_000_000, settings: ReliabilitySettings())
        #expect(estimate.jobs == 10)
        #expect(estimate.observedSuccessPPB == 800_000_000)
        #expect(estimate.successPPB == 866_666_667)
        #expect(estimate.priorWeightPPB == 666_666_667)
        #expect(estimate.rankingSuccessPPB == 703_183_161)
        #expect(estimate.observedLowPPB == 490_156_847)
        #expect(estimate.observedHighPPB == 943_319_052)
        #expect(estimate.quoteErrorPPB == 7_142_857)
        #expect(estimate.failureBilledPPB == 45_454_545)
        #expect(estimate.expectedMicros(priceMicros: 640_000) == 928_927)
        #expect(estimate.successSummary == "success rate 0.87 over 10 jobs (8 completed, prior weight 0.67)")
    }

    @Test func aCertainProviderCostsItsPrice() {
        #expect(
            Reliability.expectedMicros(
                priceMicros: 640_000, successPPB: Reliability.scale, quoteErrorPPB: 0, failureBilledPPB: 0) == 640_000)
        // Half the attempts fail, unbilled: twice the price. Billed in full: 2q + q × 0.5 ÷ 0.5 = 3q.
        #expect(
            Reliability.expectedMicros(
                priceMicros: 640_000, successPPB: 500_000_000, quoteErrorPPB: 0, failureBilledPPB: 0) == 1_280_000)
        #expect(
            Reliability.expectedMicros(
                priceMicros: 640_000, successPPB: 500_000_000, quoteErrorPPB: 0,
                failureBilledPPB: Reliability.scale) == 1_920_000)
        // Half-up, once: 1 ÷ 0.3 = 3.33… → 3; 2 ÷ 0.8 = 2.5 → 3.
        #expect(
            Reliability.expectedMicros(priceMicros: 1, successPPB: 300_000_000, quoteErrorPPB: 0, failureBilledPPB: 0)
                == 3)
        #expect(
            Reliability.expectedMicros(priceMicros: 2, successPPB: 800_000_000, quoteErrorPPB: 0, failureBilledPPB: 0)
                == 3)
        // A provider that failed everything divides by the floor, not by zero.
        #expect(
            Reliability.expectedMicros(priceMicros: 1_000, successPPB: 0, quoteErrorPPB: 0, failureBilledPPB: 0)
                == 1_000_000)
    }

    @Test func thePriorFadesAsJobsAccumulate() {
        let settings = ReliabilitySettings()
        var weights: [Int64] = []
        for jobs in [0, 2, 20, 200, 2_000] {
            let counts = ReliabilityCounts(decided: jobs, completed: jobs)
            let estimate = ReliabilityEstimate.make(
                Self.veo, counts: counts, priorSuccessPPB: 700_000_000, settings: settings)
            weights.append(estimate.priorWeightPPB)
            if jobs == 0 { #expect(estimate.successPPB == 700_000_000) }
            if jobs == 2 {
                // Two perfect jobs barely move a prior of 0.70: (2 + 14) ÷ 22.
                #expect(estimate.successPPB == 727_272_727)
            }
        }
        #expect(weights == [1_000_000_000, 909_090_909, 500_000_000, 90_909_091, 9_900_990])
    }

    /// Without history every provider has the same estimate, so `expected` picks what `price` does.
    @Test func priorsOnlyRankAsPriceDoes() {
        let catalog = SeedBooks.catalog
        let book = ExpectedCostBook.priorsOnly(catalog: catalog)
        let day = CalendarDay(iso: "2026-10-01")!
        for request in catalog.sampleRequests(on: day) {
            let byPrice = catalog.cheapestOffer(for: request, rank: .price, book: book)
            let byExpected = catalog.cheapestOffer(for: request, rank: .expected, book: book)
            #expect(byPrice?.offer == byExpected?.offer)
            #expect(byPrice?.offer == catalog.cheapestOffer(for: request))
        }
    }

    /// The hot lookup and the full ranking agree on the winner and both figures, for every
    /// request of the benchmark set, over a book with history for every family.
    @Test func fastLookupAgreesWithTheFullRanking() {
        let catalog = SeedBooks.catalog
        let book = ExpectedCostBook.synthetic(catalog)
        let day = CalendarDay(iso: "2026-10-01")!
        var changed = 0
        for request in catalog.sampleRequests(on: day) {
            for rank in QuoteRank.allCases {
                let fast = catalog.cheapestOffer(for: request, rank: rank, book: book)
                let full = catalog.rankedQuote(request, rank: rank, book: book)
                #expect(fast == full.best, "\(request.family) \(request.resolution) \(rank)")
                if let best = full.best {
                    // Every other offer and every rejection is passed over with a reason.
                    #expect(full.passedOver.count == full.offers.count - 1 + full.rejections.count)
                    #expect(full.passedOver.allSatisfy { !$0.reason.isEmpty })
                    #expect(full.offers.allSatisfy { $0.figure(rank) >= best.figure(rank) })
                }
            }
            if catalog.cheapestOffer(for: request, rank: .price, book: book)?.offer
                != catalog.cheapestOffer(for: request, rank: .expected, book: book)?.offer
            {
                changed += 1
            }
        }
        #expect(changed > 0, "the synthetic history changes some winners")
    }

    @Test func constraintsPassProvidersOverWithTheReason() throws {
        let catalog = SeedBooks.catalog
        let aimo = ProviderFamily(provider: ProviderID(rawValue: "aimo")!, family: "veo-3.1-fast")
        let venice = ProviderFamily(provider: ProviderID(rawValue: "venice")!, family: "veo-3.1-fast")
        let book = ExpectedCostBook(
            catalog: catalog,
            counts: [
                aimo: ReliabilityCounts(decided: 212, completed: 150, p95Milliseconds: 400_000),
                venice: ReliabilityCounts(decided: 100, completed: 98, p95Milliseconds: 90_000),
            ])
        let request = try catalog.request(
            for: QuoteInput(family: "veo-3.1-fast", duration: 8, resolution: "720p"),
            today: CalendarDay(iso: "2026-10-01")!)
        let slow = catalog.rankedQuote(
            request, rank: .price, book: book, constraints: QuoteConstraints(maxP95Seconds: 300))
        let aimoPassed = try #require(slow.passedOver.first { $0.provider.rawValue == "aimo" })
        #expect(aimoPassed.code == "too_slow")
        #expect(aimoPassed.reason == "p95 time to complete 400.0 s is over the limit of 300 s (150 completed jobs)")
        #expect(slow.best?.offer.provider.rawValue != "aimo")
        let unreliable = catalog.rankedQuote(
            request, rank: .price, book: book, constraints: QuoteConstraints(minSuccessPPB: 800_000_000))
        let passed = try #require(unreliable.passedOver.first { $0.provider.rawValue == "aimo" })
        #expect(passed.code == "success_rate_too_low")
        #expect(passed.reason.hasPrefix("success rate 0.72 over 212 jobs (150 completed"))
        #expect(passed.reason.hasSuffix("below the minimum 0.80"))
    }
}
