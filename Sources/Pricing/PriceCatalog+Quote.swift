import Basics
import ProviderRegistry

/// The quote engine: prices a normalized request at every provider model of its family.
///
/// The path is in memory and allocation-light: candidates were resolved when the request was
/// normalized, rates are indexed by resolution, rejection reasons are plain values, and an offer
/// only references strings built at load time.
extension PriceCatalog {
    /// Offers from every candidate provider model, cheapest first, and the rejections.
    public func quote(_ request: QuoteRequest) -> QuoteResult {
        precondition(request.layoutKey == layoutKey, "a QuoteRequest must be evaluated by the catalog that made it")
        var offers: [Offer] = []
        var rejections: [Rejection] = []
        for index in request.candidates {
            let model = models[index]
            switch evaluate(model, request) {
            case .priced(let pricing):
                offers.append(offer(model, request, pricing))
            case .rejected(let reason):
                rejections.append(
                    Rejection(
                        provider: model.provider, providerModel: model.slug, quality: model.quality,
                        family: model.family, reason: reason))
            }
        }
        // A provider with several models of the family (a route per resolution) that offers the
        // video through one is not also listed as rejecting it through the others.
        if offers.count > 0 && rejections.count > 0 {
            rejections.removeAll { rejection in offers.contains { $0.provider == rejection.provider } }
        }
        if request.model == nil {
            for provider in ProviderID.allCases where request.provider == nil || request.provider == provider {
                let offersFamily = families[familyIndexByID[request.family]!].modelIndices
                    .contains { models[$0].provider == provider }
                if !offersFamily {
                    rejections.append(
                        Rejection(
                            provider: provider, providerModel: nil, quality: nil,
                            family: request.family, reason: .familyNotOffered))
                }
            }
        }
        offers.sort { left, right in
            (left.costMicros, left.provider.order, left.providerModel) < (
                right.costMicros, right.provider.order, right.providerModel
            )
        }
        rejections.sort { ($0.provider.order, $0.providerModel ?? "") < ($1.provider.order, $1.providerModel ?? "") }
        return QuoteResult(request: request, offers: offers, rejections: rejections, priceBookVersion: version)
    }

    /// The cheapest offer alone, without building the others or any rejection: the hot path
    /// behind "which provider is cheapest for this job".
    public func cheapestOffer(for request: QuoteRequest) -> Offer? {
        precondition(request.layoutKey == layoutKey, "a QuoteRequest must be evaluated by the catalog that made it")
        var best: (index: Int, pricing: Pricing)?
        for index in request.candidates {
            guard case .priced(let pricing) = evaluate(models[index], request) else { continue }
            if let current = best {
                let cost = pricing.breakdown.totalMicros
                let bestCost = current.pricing.breakdown.totalMicros
                // Candidates are in provider order, so on a tie the earlier one stays.
                if cost < bestCost { best = (index, pricing) }
            } else {
                best = (index, pricing)
            }
        }
        return best.map { offer(models[$0.index], request, $0.pricing) }
    }

    /// What evaluating one model for one request found.
    enum Evaluation {
        case priced(Pricing)
        case rejected(RejectionReason)
    }

    struct Pricing {
        let clipSeconds: Int
        let breakdown: CostBreakdown
        let rate: Rate
        /// The request asked for a choice the provider cannot be sent; what it renders is priced.
        let repriced: Bool
    }

    @inline(__always)
    func evaluate(_ model: PricedModel, _ request: QuoteRequest) -> Evaluation {
        if let retired = model.retiredOn, request.pricedOn >= retired { return .rejected(.retired(on: retired)) }
        guard let sheet = model.sheet(on: request.pricedOn) else {
            return .rejected(.notYetPriced(from: model.sheets[0].effectiveFrom))
        }
        guard model.modes.contains(request.mode) else {
            return .rejected(.modeNotOffered(request.mode, offered: model.modes))
        }
        guard let rate = sheet.rate(for: request.resolution) else {
            return .rejected(.resolutionNotOffered(request.resolution, offered: sheet.offered))
        }
        if let ratio = request.aspectRatio, let accepted = model.aspectRatios, !accepted.contains(ratio) {
            return .rejected(.aspectRatioNotOffered(ratio, offered: accepted))
        }
        guard request.variants <= model.variantsMax else {
            return .rejected(.tooManyVariants(requested: request.variants, max: model.variantsMax))
        }
        guard let clipSeconds = model.durations.snap(request.duration) else {
            let requested = if case .seconds(let seconds) = request.duration { seconds } else { 0 }
            return .rejected(
                .durationTooLong(requestedSeconds: requested, longestSeconds: model.durations.longestSeconds))
        }
        guard let audio = Self.renderedAudio(model, requested: request.audio) else {
            return .rejected(.audioNotRequestable)
        }
        guard let breakdown = Self.cost(model, rate, clipSeconds: clipSeconds, audio: audio, variants: request.variants)
        else { return .rejected(.audioNotOffered) }
        return .priced(
            Pricing(clipSeconds: clipSeconds, breakdown: breakdown, rate: rate, repriced: audio != request.audio))
    }

    /// The audio choice to price: the one asked for, or, when the provider's request cannot
    /// switch audio, what it renders. Nil when audio is asked for and the provider can only be
    /// sent a request that renders silence.
    @inline(__always)
    static func renderedAudio(_ model: PricedModel, requested: Bool) -> Bool? {
        guard let fixed = model.unrequestableAudio else { return requested }
        if requested && !fixed.rendersAudio { return nil }
        return fixed.rendersAudio
    }

    /// The cost of `variants` clips of `clipSeconds` at `rate`; nil when audio is asked for and
    /// the model does not price it. Exact integer arithmetic: no rounding happens here, since
    /// every rate is whole micro-USD and billed seconds are whole.
    @inline(__always)
    static func cost(_ model: PricedModel, _ rate: Rate, clipSeconds: Int, audio: Bool, variants: Int) -> CostBreakdown?
    {
        let billedSeconds = model.durations.billedSeconds(for: clipSeconds)
        let base: Int64
        let baseWithAudio: Int64?
        switch rate.unit {
        case .perSecond:
            base = rate.perSecondMicros
            baseWithAudio = rate.perSecondWithAudioMicros
        case .perClip:
            guard let clip = rate.clips.first(where: { $0.seconds >= clipSeconds }) else { return nil }
            base = clip.micros
            baseWithAudio = clip.withAudioMicros
        }
        let charge: AudioCharge
        var rateMicros = base
        var surcharge: Int64 = 0
        switch model.audio {
        case .always:
            charge = .included
        case .none:
            guard !audio else { return nil }
            charge = .none
        case .optional:
            if !audio {
                charge = .none
            } else if let withAudio = baseWithAudio {
                charge = .withAudioRate
                rateMicros = withAudio
            } else {
                // The parser guarantees an optional-audio rate has a with-audio price or a surcharge.
                guard let perSecond = rate.audioSurchargeMicrosPerSecond else { return nil }
                charge = .surcharge
                surcharge = perSecond
            }
        }
        let seconds = Int64(billedSeconds)
        let perVariant = rate.unit == .perSecond ? (rateMicros + surcharge) * seconds : rateMicros + surcharge * seconds
        return CostBreakdown(
            unit: rate.unit, rateMicros: rateMicros, audio: charge, audioSurchargeMicrosPerSecond: surcharge,
            billedSeconds: billedSeconds, variants: variants, perVariantMicros: perVariant,
            totalMicros: perVariant * Int64(variants))
    }

    @inline(__always)
    func offer(_ model: PricedModel, _ request: QuoteRequest, _ pricing: Pricing) -> Offer {
        Offer(
            provider: model.provider, providerModel: model.slug, quality: model.quality, family: model.family,
            mode: request.mode, resolution: request.resolution, audio: request.audio, clipSeconds: pricing.clipSeconds,
            billedSeconds: pricing.breakdown.billedSeconds, costMicros: pricing.breakdown.totalMicros,
            breakdown: pricing.breakdown, priceBookVersion: version, pricedOn: request.pricedOn,
            provenance: pricing.rate.provenance, conflict: pricing.rate.conflict,
            retiring: Self.notice(model, on: request.pricedOn),
            repricedReason: pricing.repriced ? model.unrequestableAudio?.reason : nil)
    }

    /// The model's retirement notice when `day` is in its window.
    @inline(__always)
    static func notice(_ model: PricedModel, on day: CalendarDay) -> RetirementNotice? {
        guard let notice = model.retiring, notice.applies(on: day) else { return nil }
        return notice
    }
}
