import Basics
import Pricing

/// Measures the quote engine over the whole catalog on one thread: how many cheapest-provider
/// lookups a second, and the median latency of one. Printed figures, never a timed test.
enum QuoteBenchmark {
    /// LiteLLM's `completion_cost` on this machine type, calls a second: the reference baseline.
    public static let liteLLMCompletionCostPerSecond = 10_000
    /// The goal for full cheapest-provider comparisons a second.
    public static let goalLookupsPerSecond = 500_000

    public struct Report: Sendable, CustomStringConvertible {
        public let priceBookVersion: PriceBookVersion
        /// Distinct normalized requests cycled through (family × offered resolution × duration × audio × n).
        public let requestCount: Int
        /// Requests of the set that at least one provider can serve.
        public let servableRequestCount: Int
        public let lookups: Int
        public let lookupsPerSecond: Int
        /// Median of single timed lookups, clock reads included.
        public let medianLookupNanoseconds: Int64
        /// Median cost of reading the clock twice, for scale.
        public let clockOverheadNanoseconds: Int64
        /// Full quotes (every offer and rejection, sorted) a second.
        public let fullQuotesPerSecond: Int
        /// Sum of the cheapest costs seen, so the work cannot be optimized away.
        public let checksumMicros: Int64

        public var ratioToLiteLLM: Int { lookupsPerSecond / QuoteBenchmark.liteLLMCompletionCostPerSecond }

        public var description: String {
            """
            quote benchmark (one thread, price books \(priceBookVersion.short))
              request set:                      \(requestCount) requests (\(servableRequestCount) servable by at least one provider)
              cheapest-provider lookups:        \(lookups) in total
              cheapest-provider lookups/s:      \(lookupsPerSecond)  (goal \(QuoteBenchmark.goalLookupsPerSecond))
              median latency of one lookup:     \(medianLookupNanoseconds) ns  (clock overhead ~\(clockOverheadNanoseconds) ns included)
              full quotes/s (offers+rejections): \(fullQuotesPerSecond)
              reference baseline:               LiteLLM completion_cost ~\(QuoteBenchmark.liteLLMCompletionCostPerSecond)/s on this machine type
              ratio to the baseline:            \(ratioToLiteLLM)x
              checksum:                         \(checksumMicros) micro-USD
            """
        }
    }

    /// Runs the benchmark on `catalog`. Takes a few seconds with the defaults.
    /// - Parameters:
    ///   - lookups: cheapest-provider lookups in the throughput run.
    ///   - latencySamples: single lookups timed one by one for the median.
    ///   - fullQuotes: full quotes in the second throughput run.
    public static func run(
        catalog: PriceCatalog, on day: CalendarDay = .today(), lookups: Int = 5_000_000,
        latencySamples: Int = 200_000, fullQuotes: Int = 500_000
    ) -> Report {
        precondition(lookups > 0 && latencySamples > 0 && fullQuotes > 0, "benchmark counts must be positive")
        let requests = catalog.sampleRequests(on: day)
        precondition(!requests.isEmpty, "the catalog has no family to benchmark")
        let clock = ContinuousClock()
        var checksum: Int64 = 0
        var servable = 0
        for request in requests where catalog.cheapestOffer(for: request) != nil { servable += 1 }

        // Warm-up, then the throughput run.
        for index in 0..<min(lookups, 100_000) {
            checksum &+= catalog.cheapestOffer(for: requests[index % requests.count])?.costMicros ?? 0
        }
        checksum = 0
        let started = clock.now
        var cursor = 0
        for _ in 0..<lookups {
            checksum &+= catalog.cheapestOffer(for: requests[cursor])?.costMicros ?? 0
            cursor += 1
            if cursor == requests.count { cursor = 0 }
        }
        let throughputNanoseconds = nanoseconds(started.duration(to: clock.now))

        var samples = [Int64](repeating: 0, count: latencySamples)
        var overhead = [Int64](repeating: 0, count: min(latencySamples, 10_000))
        for index in overhead.indices {
            let before = clock.now
            overhead[index] = nanoseconds(before.duration(to: clock.now))
        }
        for index in samples.indices {
            let request = requests[index % requests.count]
            let before = clock.now
            let offer = catalog.cheapestOffer(for: request)
            samples[index] = nanoseconds(before.duration(to: clock.now))
            checksum &+= offer?.costMicros ?? 0
        }

        let quotesStarted = clock.now
        var offersSeen = 0
        for index in 0..<fullQuotes {
            offersSeen &+= catalog.quote(requests[index % requests.count]).offers.count
        }
        let quotesNanoseconds = nanoseconds(quotesStarted.duration(to: clock.now))
        checksum &+= Int64(offersSeen)

        return Report(
            priceBookVersion: catalog.version, requestCount: requests.count, servableRequestCount: servable,
            lookups: lookups, lookupsPerSecond: perSecond(lookups, throughputNanoseconds),
            medianLookupNanoseconds: median(samples), clockOverheadNanoseconds: median(overhead),
            fullQuotesPerSecond: perSecond(fullQuotes, quotesNanoseconds), checksumMicros: checksum)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.wholeNanoseconds
    }

    private static func perSecond(_ count: Int, _ nanoseconds: Int64) -> Int {
        Int(Int128(count) * 1_000_000_000 / Int128(max(nanoseconds, 1)))
    }

    private static func median(_ values: [Int64]) -> Int64 {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}
