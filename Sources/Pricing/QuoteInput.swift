/// A quote request as a caller sends it (CLI flags, REST JSON): text that still has to be
/// checked. `PriceCatalog.request(for:)` turns it into a `QuoteRequest` or a typed error.
public struct QuoteInput: Sendable, Hashable {
    /// A canonical family (`veo-3.1-fast`). Give this, `model`, or both (they must agree).
    public var family: String?
    /// An exact provider model slug (`veo3.1-fast-text-to-video`).
    public var model: String?
    /// Only quote this provider (`venice`).
    public var provider: String?
    /// A provider tier of the model (AIGate `quality`: `std`, `pro`).
    public var quality: String?
    /// `"5s"`, `"5"`, `5` or `"auto"`.
    public var duration: DurationInput
    /// `720p`, `1080p`, `4k`, or a size such as `1280x720`.
    public var resolution: String?
    /// `16:9`, `9:16`, …, or `auto`/nil for any.
    public var aspectRatio: String?
    public var audio: Bool
    /// Number of variants, `n`.
    public var variants: Int
    /// `t2v` (default), `i2v`, `v2v` or `upscale`.
    public var mode: String?
    /// Price as of this day (`YYYY-MM-DD`); nil for today. Re-pricing an old job passes its date.
    public var pricedOn: String?

    public init(
        family: String? = nil, model: String? = nil, provider: String? = nil, quality: String? = nil,
        duration: DurationInput = .auto, resolution: String? = nil, aspectRatio: String? = nil,
        audio: Bool = false, variants: Int = 1, mode: String? = nil, pricedOn: String? = nil
    ) {
        self.family = family
        self.model = model
        self.provider = provider
        self.quality = quality
        self.duration = duration
        self.resolution = resolution
        self.aspectRatio = aspectRatio
        self.audio = audio
        self.variants = variants
        self.mode = mode
        self.pricedOn = pricedOn
    }
}

/// A duration as sent: JSON may carry a number or a string.
public enum DurationInput: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case text(String)
    case seconds(Int)

    public static let auto = DurationInput.text("auto")

    public init(stringLiteral value: String) { self = .text(value) }

    public init(integerLiteral value: Int) { self = .seconds(value) }
}
