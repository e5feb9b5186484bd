import Money
import Pricing
import ProviderRegistry
import Providers

/// Venice's `POST /video/quote` as a live quote source. The endpoint prices a single clip from
/// the pricing fields only (model, duration, resolution, aspect ratio, audio; docs/providers.md, Venice),
/// so `n` variants are priced as `n` clips, the way the catalog prices them.
public struct VeniceLiveQuoteSource: LiveQuoteSource {
    public let provider = ProviderID.venice
    let adapter: VeniceAdapter

    public init(adapter: VeniceAdapter) {
        self.adapter = adapter
    }

    public func liveQuoteMicros(for query: LiveQuoteQuery) async throws -> Int64 {
        precondition(query.provider == .venice, "the Venice quote endpoint prices only Venice models")
        precondition(query.variants >= 1, "a quote is for at least one clip")
        let spec = ProviderJobSpec(
            model: query.providerModel, prompt: "", durationSeconds: query.clipSeconds,
            resolution: query.resolution.rawValue,
            aspectRatio: query.aspectRatio?.rawValue, audio: query.audio)
        let clip = try await adapter.quote(spec)
        guard clip.currency == .usd else {
            throw ProviderError.malformedResponse(reason: "Venice quote in \(clip.currency), expected USD")
        }
        guard clip.micros >= 0 else { throw ProviderError.malformedResponse(reason: "Venice quote is negative") }
        let (total, overflow) = clip.micros.multipliedReportingOverflow(by: Int64(query.variants))
        guard !overflow else { throw ProviderError.malformedResponse(reason: "Venice quote too large") }
        return total
    }
}
