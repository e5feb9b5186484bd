import Money

/// One provider's price for a quote request: what to ask it for and what it will cost.
public struct Offer: Sendable, Hashable {
    public let provider: ProviderID
    /// The slug to send as `model`.
    public let providerModel: String
    /// The tier option to send with it (AIGate `quality`), if any.
    public let quality: String?
    public let family: String
    public let mode: GenerationMode
    public let resolution: Resolution
    /// Audio as asked for (and sent). What is priced is in `breakdown.audio`: a model that
    /// renders audio whatever is asked prices it anyway (see `repricedReason`).
    public let audio: Bool
    /// The clip length to ask the provider for, after snapping to what it accepts.
    public let clipSeconds: Int
    /// The seconds the provider will bill (clip length after its rounding and minimum).
    public let billedSeconds: Int
    /// Total for all variants, in micro-USD.
    public let costMicros: Int64
    public let breakdown: CostBreakdown
    /// The price books this was priced on.
    public let priceBookVersion: PriceBookVersion
    /// The day whose prices were used.
    public let pricedOn: CalendarDay
    /// Where the rate comes from, and whether it was inferred.
    public let provenance: Provenance
    /// Set when the book's sources disagree on the rate quoted (or it is only a "from" price).
    public let conflict: PriceConflict?
    /// Set when the model is announced to retire and the quote's day is in the notice's window.
    public let retiring: RetirementNotice?
    /// Why the price is not that of the choice asked for: the provider's request cannot express
    /// it, so what the provider renders is priced (a silent request to a route that always makes
    /// audio). Nil when the request is priced as asked.
    public let repricedReason: String?

    public var cost: Money { Money(micros: costMicros, currency: .usd) }

    /// Whether the rate's sources conflict: what `conflict: true` in JSON says.
    public var hasConflict: Bool { conflict != nil }
}

/// How an offer's cost is built, so a price can be explained and re-checked by hand:
/// `costMicros = perVariantMicros × variants`, where per variant is
/// `(rate + audio surcharge) × billed seconds` for per-second prices, or
/// `clip price + audio surcharge × billed seconds` for per-clip prices.
public struct CostBreakdown: Sendable, Hashable {
    public let unit: PriceUnit
    /// Micro-USD per second, or per clip, for the audio option chosen.
    public let rateMicros: Int64
    public let audio: AudioCharge
    /// Micro-USD per billed second added for audio (0 unless `audio` is `.surcharge`).
    public let audioSurchargeMicrosPerSecond: Int64
    public let billedSeconds: Int
    public let variants: Int
    public let perVariantMicros: Int64
    public let totalMicros: Int64
}

/// How audio shows up in a price.
public enum AudioCharge: String, Sendable, Hashable, Codable {
    /// No audio asked for; the silent rate.
    case none
    /// The model always makes audio and its rate includes it.
    case included
    /// Audio asked for and priced by the model's with-audio rate.
    case withAudioRate = "with_audio_rate"
    /// Audio asked for and priced as a per-second surcharge on the silent rate.
    case surcharge
}
