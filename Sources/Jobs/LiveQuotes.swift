import Logging
import Metrics
import Pricing
import ProviderRegistry
import Providers

/// Live quotes on the submit path, off unless configured (`serve --live-quotes`). A submit to a
/// provider with a quote endpoint asks it for its current price first, through a short-lived
/// cache, and the job keeps the answer in `jobs.live_quote_micros` beside the catalog quote.
/// The answer never changes what is held or charged; it is evidence for reconciliation and the
/// nightly report that the price book has drifted. A failed quote costs the submit nothing but
/// the wait (bounded by the quote request's own deadline): it goes on without a live figure.
public struct LiveQuotes: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Venice says its quotes are point in time: re-ask after this long.
        public var cacheTTLMilliseconds: Int64
        /// Distinct parameter combinations kept.
        public var cacheEntriesMax: Int

        public init(cacheTTLMilliseconds: Int64 = 60_000, cacheEntriesMax: Int = 1_024) {
            precondition(
                cacheTTLMilliseconds > 0 && cacheEntriesMax > 0, "a live quote cache keeps something for some time")
            self.cacheTTLMilliseconds = cacheTTLMilliseconds
            self.cacheEntriesMax = cacheEntriesMax
        }
    }

    let comparers: [ProviderID: LiveQuoteComparer]
    let logger: Logger

    public init(sources: [any LiveQuoteSource], configuration: Configuration = Configuration(), logger: Logger) {
        var comparers: [ProviderID: LiveQuoteComparer] = [:]
        for source in sources {
            precondition(comparers[source.provider] == nil, "one live quote source per provider")
            let cache = LiveQuoteCache(
                maxEntries: configuration.cacheEntriesMax, ttlMilliseconds: configuration.cacheTTLMilliseconds)
            comparers[source.provider] = LiveQuoteComparer(source: source, cache: cache)
        }
        self.comparers = comparers
        self.logger = logger
    }

    /// Every live quote endpoint among the configured adapters (Venice's is the only one the five
    /// providers document).
    public init(
        adapters: [ProviderID: any ProviderAdapter], configuration: Configuration = Configuration(), logger: Logger
    ) {
        var sources: [any LiveQuoteSource] = []
        if let venice = adapters[.venice] as? VeniceAdapter { sources.append(VeniceLiveQuoteSource(adapter: venice)) }
        self.init(sources: sources, configuration: configuration, logger: logger)
    }

    /// The providers whose offers are checked live.
    public var providers: [ProviderID] { comparers.keys.sorted() }

    /// The provider's live price for the offer, or nil when it has no quote endpoint or the
    /// quote failed. Counted as `videoledger_live_quotes_total{provider,outcome}` with outcome
    /// `fresh`, `cached` or `failed`.
    func liveMicros(for offer: Offer, aspectRatio: AspectRatio?) async -> Int64? {
        let provider = offer.provider.rawValue
        do {
            guard let drift = try await drift(for: offer, aspectRatio: aspectRatio) else { return nil }
            Self.count(provider: provider, outcome: drift.fromCache ? "cached" : "fresh")
            return drift.liveMicros
        } catch {
            Self.count(provider: provider, outcome: "failed")
            logger.warning(
                "live quote failed; the job goes on with the catalog quote only",
                metadata: ["provider": "\(provider)", "model": "\(offer.providerModel)", "error": "\(error)"])
            return nil
        }
    }

    /// The catalog offer beside the provider's live price for it; nil when the provider has no
    /// quote endpoint. Throws what the quote call threw.
    public func drift(for offer: Offer, aspectRatio: AspectRatio?) async throws -> QuoteDrift? {
        guard let comparer = comparers[offer.provider] else { return nil }
        return try await comparer.drift(for: offer, aspectRatio: aspectRatio)
    }

    private static func count(provider: String, outcome: String) {
        Counter(label: "videoledger_live_quotes_total", dimensions: [("provider", provider), ("outcome", outcome)])
            .increment()
    }
}
