import Money

// JSON for quotes, as the CLI and the REST API send it: snake_case keys, amounts as six-decimal
// USD strings ("0.880000"), never floating-point numbers.

extension QuoteResult: Encodable {
    private enum Keys: String, CodingKey {
        case family
        case priceBookVersion = "price_book_version"
        case pricedOn = "priced_on"
        case offers, rejections
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(request.family, forKey: .family)
        try container.encode(priceBookVersion, forKey: .priceBookVersion)
        try container.encode(request.pricedOn, forKey: .pricedOn)
        try container.encode(offers, forKey: .offers)
        try container.encode(rejections, forKey: .rejections)
    }
}

extension Offer: Encodable {
    private enum Keys: String, CodingKey {
        case provider
        case providerModel = "provider_model"
        case quality, family, mode, resolution, audio
        case clipSeconds = "clip_seconds"
        case billedSeconds = "billed_seconds"
        case costUSD = "cost_usd"
        case breakdown
        case priceBookVersion = "price_book_version"
        case pricedOn = "priced_on"
        case source
        case asOf = "as_of"
        case inferredReason = "inferred_reason"
        case conflict
        case conflictReason = "conflict_reason"
        case conflictingPrices = "conflicting_prices"
        case retiring
        case repricedReason = "repriced_reason"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(provider, forKey: .provider)
        try container.encode(providerModel, forKey: .providerModel)
        try container.encodeIfPresent(quality, forKey: .quality)
        try container.encode(family, forKey: .family)
        try container.encode(mode, forKey: .mode)
        try container.encode(resolution, forKey: .resolution)
        try container.encode(audio, forKey: .audio)
        try container.encode(clipSeconds, forKey: .clipSeconds)
        try container.encode(billedSeconds, forKey: .billedSeconds)
        try container.encode(DecimalAmount.string(fromMicros: costMicros), forKey: .costUSD)
        try container.encode(breakdown, forKey: .breakdown)
        try container.encode(priceBookVersion, forKey: .priceBookVersion)
        try container.encode(pricedOn, forKey: .pricedOn)
        try container.encode(provenance.source, forKey: .source)
        try container.encode(provenance.asOf, forKey: .asOf)
        try container.encodeIfPresent(provenance.inferredReason, forKey: .inferredReason)
        try container.encode(conflict != nil, forKey: .conflict)
        if let conflict {
            try container.encode(conflict.reason, forKey: .conflictReason)
            try container.encode(conflict.others, forKey: .conflictingPrices)
        }
        try container.encodeIfPresent(retiring, forKey: .retiring)
        try container.encodeIfPresent(repricedReason, forKey: .repricedReason)
    }
}

extension ConflictingFigure: Encodable {
    private enum Keys: String, CodingKey {
        case priceUSD = "price_usd"
        case source
        case asOf = "as_of"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(DecimalAmount.string(fromMicros: micros), forKey: .priceUSD)
        try container.encode(source, forKey: .source)
        try container.encode(asOf, forKey: .asOf)
    }
}

extension RetirementNotice: Encodable {
    private enum Keys: String, CodingKey {
        case date, confirmed, source
        case asOf = "as_of"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(on, forKey: .date)
        try container.encode(confirmed, forKey: .confirmed)
        try container.encode(source, forKey: .source)
        try container.encode(asOf, forKey: .asOf)
    }
}

extension CostBreakdown: Encodable {
    private enum Keys: String, CodingKey {
        case unit
        case rateUSD = "rate_usd"
        case audio
        case audioSurchargeUSDPerSecond = "audio_surcharge_usd_per_second"
        case billedSeconds = "billed_seconds"
        case variants = "n"
        case perVariantUSD = "per_variant_usd"
        case totalUSD = "total_usd"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(unit, forKey: .unit)
        try container.encode(DecimalAmount.string(fromMicros: rateMicros), forKey: .rateUSD)
        try container.encode(audio, forKey: .audio)
        try container.encode(
            DecimalAmount.string(fromMicros: audioSurchargeMicrosPerSecond), forKey: .audioSurchargeUSDPerSecond)
        try container.encode(billedSeconds, forKey: .billedSeconds)
        try container.encode(variants, forKey: .variants)
        try container.encode(DecimalAmount.string(fromMicros: perVariantMicros), forKey: .perVariantUSD)
        try container.encode(DecimalAmount.string(fromMicros: totalMicros), forKey: .totalUSD)
    }
}

extension Rejection: Encodable {
    private enum Keys: String, CodingKey {
        case provider
        case providerModel = "provider_model"
        case quality, family, code, reason
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(provider, forKey: .provider)
        try container.encodeIfPresent(providerModel, forKey: .providerModel)
        try container.encodeIfPresent(quality, forKey: .quality)
        try container.encode(family, forKey: .family)
        try container.encode(reason.code, forKey: .code)
        try container.encode(reason.description, forKey: .reason)
    }
}
