import ProviderRegistry

/// What a provider's live quote endpoint is asked: the parameters that set its price.
public struct LiveQuoteQuery: Sendable, Hashable {
    public let provider: ProviderID
    public let providerModel: String
    public let quality: String?
    public let clipSeconds: Int
    public let resolution: Resolution
    public let aspectRatio: AspectRatio?
    public let audio: Bool
    public let variants: Int

    public init(
        provider: ProviderID, providerModel: String, quality: String?, clipSeconds: Int,
        resolution: Resolution, aspectRatio: AspectRatio?, audio: Bool, variants: Int
    ) {
        self.provider = provider
        self.providerModel = providerModel
        self.quality = quality
        self.clipSeconds = clipSeconds
        self.resolution = resolution
        self.aspectRatio = aspectRatio
        self.audio = audio
        self.variants = variants
    }

    /// The query that re-prices a catalog offer live.
    public init(offer: Offer, aspectRatio: AspectRatio?) {
        self.init(
            provider: offer.provider, providerModel: offer.providerModel, quality: offer.quality,
            clipSeconds: offer.clipSeconds, resolution: offer.resolution, aspectRatio: aspectRatio,
            audio: offer.audio, variants: offer.breakdown.variants)
    }
}

/// A provider endpoint that prices a job without running it (Venice `POST /video/quote`).
/// Implemented over HTTP in the Providers module; off by default, since the quote path is
/// otherwise in memory.
public protocol LiveQuoteSource: Sendable {
    var provider: ProviderID { get }

    /// The provider's current price for the query, in micro-USD (rounded half-up once, where the
    /// provider answers with finer precision).
    func liveQuoteMicros(for query: LiveQuoteQuery) async throws -> Int64
}
