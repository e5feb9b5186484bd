import Basics
import ProviderRegistry

extension PriceCatalog {
    /// Checks and normalizes a quote request against this catalog.
    /// - Parameter today: the day to price on when the input names none.
    public func request(for input: QuoteInput, today: CalendarDay = .today()) throws(QuoteInputError) -> QuoteRequest {
        guard (1...PricingLimits.variantsMax).contains(input.variants) else {
            throw .variantsOutOfRange(input.variants)
        }
        let duration = try RequestedDuration.parse(input.duration)
        guard let resolutionText = input.resolution else { throw .missingResolution }
        guard let (resolution, impliedRatio) = Resolution.parse(resolutionText) else {
            throw .unknownResolution(resolutionText)
        }
        let aspectRatio = try Self.aspectRatio(input.aspectRatio, implied: impliedRatio, size: resolutionText)
        let mode =
            try input.mode.map { text throws(QuoteInputError) in
                guard let mode = GenerationMode.parse(text) else { throw .unknownMode(text) }
                return mode
            } ?? .t2v
        let provider = try input.provider.map { text throws(QuoteInputError) in
            guard let provider = ProviderID(rawValue: text.lowercased()) else { throw .unknownProvider(text) }
            return provider
        }
        let pricedOn =
            try input.pricedOn.map { text throws(QuoteInputError) in
                guard let day = CalendarDay(iso: text) else { throw .badDate(text) }
                return day
            } ?? today
        let (family, candidates) = try resolveModels(input, provider: provider)
        return QuoteRequest(
            family: family, model: input.model, quality: input.quality, provider: provider,
            duration: duration, resolution: resolution, aspectRatio: aspectRatio, audio: input.audio,
            variants: input.variants, mode: mode, pricedOn: pricedOn,
            candidates: candidates, layoutKey: layoutKey)
    }

    private static func aspectRatio(_ text: String?, implied: AspectRatio?, size: String) throws(QuoteInputError)
        -> AspectRatio?
    {
        guard let text, text.lowercased() != "auto" else { return implied }
        guard let ratio = AspectRatio(rawValue: text) else { throw .unknownAspectRatio(text) }
        if let implied, implied != ratio {
            throw .contradictory(
                field: "aspect_ratio",
                detail: "\(ratio) contradicts the size \(QuoteInputError.echo(size)) (\(implied))")
        }
        return ratio
    }

    /// The request's family and the catalog models to evaluate for it.
    private func resolveModels(_ input: QuoteInput, provider: ProviderID?) throws(QuoteInputError) -> (String, [Int]) {
        let family = try input.family.map { id throws(QuoteInputError) in
            guard let family = self.family(id) else { throw .unknownFamily(id, accepted: families.map(\.id)) }
            return family
        }
        guard let slug = input.model else {
            guard let family else { throw .missingFamilyOrModel }
            let indices = family.modelIndices.filter { index in
                (provider == nil || models[index].provider == provider)
                    && (input.quality == nil || models[index].quality == input.quality)
            }
            return (family.id, indices)
        }
        let atProvider = (modelIndicesBySlug[slug] ?? []).filter { provider == nil || models[$0].provider == provider }
        guard !atProvider.isEmpty else { throw .unknownModel(slug, provider: provider) }
        let qualities = Set(atProvider.compactMap { models[$0].quality }).sorted()
        let matching = atProvider.filter { input.quality == nil || models[$0].quality == input.quality }
        if let quality = input.quality, matching.isEmpty {
            throw .unknownQuality(quality, model: slug, accepted: qualities)
        }
        let familiesOfModel = Set(matching.map { models[$0].family })
        if let family {
            guard familiesOfModel.contains(family.id) else {
                throw .contradictory(
                    field: "model",
                    detail: "model '\(QuoteInputError.echo(slug))' is in family "
                        + "\(familiesOfModel.sorted().joined(separator: ", ")), not '\(family.id)'")
            }
            return (family.id, matching.filter { models[$0].family == family.id })
        }
        guard familiesOfModel.count == 1, let only = familiesOfModel.first else {
            throw .ambiguousModel(slug, qualities: qualities)
        }
        return (only, matching)
    }
}
