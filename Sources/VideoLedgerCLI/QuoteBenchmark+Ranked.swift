import Basics
import Foundation
import Pricing

/// The lookup benchmark for ranked lookups, run beside the price-only one: the same request set,
/// `cheapestOffer(for:rank:book:)` by price and by expected cost, over a book with history for
/// every provider model family (so every candidate's expected cost is computed).
extension QuoteBenchmark {
    struct RankedReport: Sendable, CustomStringConvertible {
        public let requestCount: Int
        public let lookups: Int
        /// `cheapestOffer(for:)` in this run: the baseline.
        public let priceOnlyLookupsPerSecond: Int
        public let priceRankLookupsPerSecond: Int
        public let expectedRankLookupsPerSecond: Int
        /// Lookups whose winner differs between the two ranks (the book's history matters).
        public let winnersChanged: Int
        public let checksumMicros: Int64

        public var description: String {
            """
            ranked lookups (one thread, same request set, same run)
              baseline cheapestOffer(for:) lookups/s:  \(priceOnlyLookupsPerSecond)
              rank=price lookups/s:                    \(priceRankLookupsPerSecond)
              rank=expected lookups/s:                 \(expectedRankLookupsPerSecond)  (goal \(QuoteBenchmark.goalLookupsPerSecond))
              expected / baseline:                     \(String(format: "%.2f", Double(expectedRankLookupsPerSecond) / Double(max(priceOnlyLookupsPerSecond, 1))))x
              requests whose winner the rank changes:  \(winnersChanged) of \(requestCount)
              checksum:                                \(checksumMicros) micro-USD
            """
        }
    }

    static func runRanked(
        catalog: PriceCatalog, book: ExpectedCostBook, on day: CalendarDay = .today(), lookups: Int = 5_000_000
    )
        -> RankedReport
    {
        let requests = catalog.sampleRequests(on: day)
        precondition(!requests.isEmpty, "the catalog has no family to benchmark")
        let clock = ContinuousClock()
        var checksum: Int64 = 0
        var changed = 0
        for request in requests {
            let byPrice = catalog.cheapestOffer(for: request, rank: .price, book: book)
            let byExpected = catalog.cheapestOffer(for: request, rank: .expected, book: book)
            if byPrice?.offer.provider != byExpected?.offer.provider
                || byPrice?.offer.providerModel != byExpected?.offer.providerModel
            {
                changed += 1
            }
        }
        func measure(_ body: (QuoteRequest) -> Int64) -> Int {
            for index in 0..<min(lookups, 100_000) { checksum &+= body(requests[index % requests.count]) }
            let started = clock.now
            var cursor = 0
            for _ in 0..<lookups {
                checksum &+= body(requests[cursor])
                cursor += 1
                if cursor == requests.count { cursor = 0 }
            }
            let parts = started.duration(to: clock.now).components
            let nanoseconds = parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
            return Int(Int128(lookups) * 1_000_000_000 / Int128(max(nanoseconds, 1)))
        }
        let baseline = measure { catalog.cheapestOffer(for: $0)?.costMicros ?? 0 }
        let byPrice = measure { catalog.cheapestOffer(for: $0, rank: .price, book: book)?.offer.costMicros ?? 0 }
        let byExpected = measure { catalog.cheapestOffer(for: $0, rank: .expected, book: book)?.expectedMicros ?? 0 }
        return RankedReport(
            requestCount: requests.count, lookups: lookups, priceOnlyLookupsPerSecond: baseline,
            priceRankLookupsPerSecond: byPrice,
            expectedRankLookupsPerSecond: byExpected, winnersChanged: changed, checksumMicros: checksum)
    }
}
