import Basics
import ProviderRegistry

/// Why a job could not be priced exactly.
public enum ExactPriceError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownModel(provider: ProviderID, model: String, quality: String?)
    case secondsOutOfRange(Int)
    case variantsOutOfRange(Int)
    /// The model could not have served the job on that day (retired, not yet priced, resolution
    /// or audio not priced or not requestable, or longer than any per-clip price).
    case notPriced(RejectionReason)

    public var description: String {
        switch self {
        case .unknownModel(let provider, let model, let quality):
            "\(provider.rawValue) has no model '\(model)'" + (quality.map { " with quality \($0)" } ?? "")
        case .secondsOutOfRange(let seconds): "seconds: \(seconds) is outside 1...\(PricingLimits.durationSecondsMax)"
        case .variantsOutOfRange(let count): "n: \(count) is outside 1...\(PricingLimits.variantsMax)"
        case .notPriced(let reason): "not priced: \(reason)"
        }
    }
}

extension PriceCatalog {
    /// The cost of a job as the provider ran it: settlement's actual cost.
    ///
    /// `seconds` is the clip length the provider reports (or the request's, when it reports none);
    /// the model's billing rule (increment, minimum) turns it into billed seconds. Unlike a quote,
    /// the length is not snapped to the accepted durations and mode, aspect ratio and variant
    /// limits are not checked: the job already ran. Per-clip prices use the shortest clip at
    /// least `seconds` long.
    /// - Parameter mode: recorded on the result; not checked.
    /// - Parameter day: the day the job was quoted or submitted; its prices apply.
    public func price(
        provider: ProviderID, model slug: String, quality: String? = nil, seconds: Int,
        resolution: Resolution, audio: Bool, variants: Int, mode: GenerationMode = .t2v,
        on day: CalendarDay
    ) throws(ExactPriceError) -> Offer {
        guard
            let index = modelIndicesBySlug[slug]?.first(where: {
                models[$0].provider == provider && models[$0].quality == quality
            })
        else { throw .unknownModel(provider: provider, model: slug, quality: quality) }
        guard (1...PricingLimits.durationSecondsMax).contains(seconds) else { throw .secondsOutOfRange(seconds) }
        guard (1...PricingLimits.variantsMax).contains(variants) else { throw .variantsOutOfRange(variants) }
        let model = models[index]
        if let retired = model.retiredOn, day >= retired { throw .notPriced(.retired(on: retired)) }
        guard let sheet = model.sheet(on: day) else {
            throw .notPriced(.notYetPriced(from: model.sheets[0].effectiveFrom))
        }
        guard let rate = sheet.rate(for: resolution) else {
            throw .notPriced(.resolutionNotOffered(resolution, offered: sheet.offered))
        }
        let clipSeconds = rate.unit == .perClip ? rate.clips.first(where: { $0.seconds >= seconds })?.seconds : seconds
        guard let clipSeconds else {
            throw .notPriced(
                .durationTooLong(requestedSeconds: seconds, longestSeconds: model.durations.longestSeconds))
        }
        // What the provider rendered: a route that cannot be asked for silence made audio.
        guard let rendered = Self.renderedAudio(model, requested: audio) else { throw .notPriced(.audioNotRequestable) }
        guard let breakdown = Self.cost(model, rate, clipSeconds: clipSeconds, audio: rendered, variants: variants)
        else {
            throw .notPriced(.audioNotOffered)
        }
        return Offer(
            provider: provider, providerModel: slug, quality: quality, family: model.family, mode: mode,
            resolution: resolution, audio: audio, clipSeconds: clipSeconds, billedSeconds: breakdown.billedSeconds,
            costMicros: breakdown.totalMicros, breakdown: breakdown, priceBookVersion: version, pricedOn: day,
            provenance: rate.provenance, conflict: rate.conflict, retiring: Self.notice(model, on: day),
            repricedReason: rendered != audio ? model.unrequestableAudio?.reason : nil)
    }
}
