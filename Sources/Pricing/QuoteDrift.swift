import Basics
import Money

/// A catalog price next to the provider's live price for the same job, both kept, for
/// reconciliation and the provider-drift report.
public struct QuoteDrift: Sendable, Hashable {
    public let query: LiveQuoteQuery
    public let catalogMicros: Int64
    public let liveMicros: Int64
    public let priceBookVersion: PriceBookVersion
    public let observedOn: CalendarDay
    /// The live figure came from the cache rather than a fresh call.
    public let fromCache: Bool

    public init(
        query: LiveQuoteQuery, catalogMicros: Int64, liveMicros: Int64, priceBookVersion: PriceBookVersion,
        observedOn: CalendarDay, fromCache: Bool
    ) {
        precondition(catalogMicros > 0, "catalog prices are positive")
        self.query = query
        self.catalogMicros = catalogMicros
        self.liveMicros = liveMicros
        self.priceBookVersion = priceBookVersion
        self.observedOn = observedOn
        self.fromCache = fromCache
    }

    /// Live minus catalog: positive when the provider charges more than the book says.
    public var driftMicros: Int64 { liveMicros - catalogMicros }

    /// The drift relative to the catalog price, in basis points (1/100 %), rounded half-up once.
    /// Throws only for a live price so far off that the ratio leaves Int64.
    public var driftBasisPoints: Int64 {
        get throws(MoneyError) {
            try Rounding.halfUp(Int128(driftMicros) * 10_000, dividedBy: Int128(catalogMicros))
        }
    }
}

/// Compares catalog offers with a live quote source, through a cache.
public struct LiveQuoteComparer: Sendable {
    public let source: any LiveQuoteSource
    public let cache: LiveQuoteCache

    public init(source: any LiveQuoteSource, cache: LiveQuoteCache) {
        self.source = source
        self.cache = cache
    }

    /// The drift between an offer and the live price for it. Only offers of the source's
    /// provider can be compared.
    public func drift(for offer: Offer, aspectRatio: AspectRatio? = nil, on day: CalendarDay = .today()) async throws
        -> QuoteDrift
    {
        precondition(offer.provider == source.provider, "a live quote source only prices its own provider's offers")
        let query = LiveQuoteQuery(offer: offer, aspectRatio: aspectRatio)
        if let cached = cache.micros(for: query) {
            return QuoteDrift(
                query: query, catalogMicros: offer.costMicros, liveMicros: cached,
                priceBookVersion: offer.priceBookVersion, observedOn: day, fromCache: true)
        }
        let live = try await source.liveQuoteMicros(for: query)
        cache.store(live, for: query)
        return QuoteDrift(
            query: query, catalogMicros: offer.costMicros, liveMicros: live,
            priceBookVersion: offer.priceBookVersion, observedOn: day, fromCache: false)
    }
}
