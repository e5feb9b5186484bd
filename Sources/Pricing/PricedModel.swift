/// One provider model as its price book describes it: what it accepts and what it costs over time.
public struct PricedModel: Sendable {
    public let provider: ProviderID
    /// The provider's model id, sent as `model` when submitting.
    public let slug: String
    /// A provider request option that selects a tier of the same slug (AIGate's `quality`:
    /// `std` or `pro`); nil when the slug alone names the model.
    public let quality: String?
    /// The canonical family, from `families.yaml`.
    public let family: String
    public let modes: GenerationModeSet
    public let audio: AudioSupport
    public let durations: DurationRule
    /// The most variants (`n`) one job may ask for.
    public let variantsMax: Int
    /// The aspect ratios accepted; nil when the book does not restrict them.
    public let aspectRatios: AspectRatioSet?
    /// Where the duration, variant and aspect-ratio limits come from.
    public let limitsProvenance: Provenance
    /// From this day on, no new quote offers the model; earlier jobs still price. Set by
    /// `retired_at`, or by a confirmed `retiring` date.
    public let retiredOn: CalendarDay?
    /// An announced retirement (`retiring`): quotes from its `asOf` day carry it.
    public let retiring: RetirementNotice?
    /// Set when the provider's request cannot switch audio for this model (`unrequestable`).
    public let unrequestableAudio: UnrequestableAudio?
    /// Price sheets, oldest first; the one in force on a day is the last that started by then.
    public let sheets: [PriceSheet]
    /// Free text from the book.
    public let note: String?

    /// The sheet in force on `day`, or nil before the first one starts.
    @inline(__always)
    func sheet(on day: CalendarDay) -> PriceSheet? {
        var index = sheets.count - 1
        while index >= 0 {
            if sheets[index].effectiveFrom <= day { return sheets[index] }
            index -= 1
        }
        return nil
    }
}

/// How a model handles audio, and so how an audio request is priced.
public enum AudioSupport: String, Sendable, Hashable, CaseIterable {
    /// Silent only, or audio exists but the book has no price for it: audio requests are rejected.
    case none
    /// Audio is always generated and included in the rate; a silent request costs the same.
    case always
    /// Audio on request, priced by a with-audio rate or a per-second surcharge.
    case optional
}

/// Which clip lengths a model accepts and how the provider bills seconds.
public struct DurationRule: Sendable, Hashable {
    public enum Choices: Sendable, Hashable {
        /// Only these lengths, ascending (Veo: 4, 6, 8).
        case listed([Int])
        /// Any whole number of seconds in the range.
        case range(ClosedRange<Int>)
    }

    public let choices: Choices
    /// The length the provider picks for `auto` (its default).
    public let defaultSeconds: Int
    /// Billed seconds are rounded up to a multiple of this (1 = whole seconds).
    public let billingIncrementSeconds: Int
    /// The provider bills at least this many seconds (0 = no minimum).
    public let minimumBilledSeconds: Int

    public var longestSeconds: Int {
        switch choices {
        case .listed(let lengths): lengths[lengths.count - 1]
        case .range(let range): range.upperBound
        }
    }

    /// The clip length to ask the provider for: the requested length if accepted, else the
    /// shortest accepted length above it (never a shorter clip than asked). Nil when the request
    /// is longer than anything accepted.
    @inline(__always)
    func snap(_ requested: RequestedDuration) -> Int? {
        guard case .seconds(let seconds) = requested else { return defaultSeconds }
        switch choices {
        case .listed(let lengths):
            for length in lengths where length >= seconds { return length }
            return nil
        case .range(let range):
            if seconds > range.upperBound { return nil }
            return max(seconds, range.lowerBound)
        }
    }

    /// Seconds the provider bills for a clip of `seconds`: rounded up to the increment, then
    /// raised to the minimum.
    @inline(__always)
    func billedSeconds(for seconds: Int) -> Int {
        let increments = (seconds + billingIncrementSeconds - 1) / billingIncrementSeconds
        return max(increments * billingIncrementSeconds, minimumBilledSeconds)
    }
}

/// The rates in force from one day on.
public struct PriceSheet: Sendable {
    public let effectiveFrom: CalendarDay
    /// Indexed by `Resolution.index`; nil where the resolution is not offered.
    let ratesByResolution: [Rate?]
    public let offered: ResolutionSet

    public func rate(for resolution: Resolution) -> Rate? { ratesByResolution[resolution.index] }
}

/// Whether a rate is charged per second of video or per clip.
public enum PriceUnit: String, Sendable, Hashable, Codable {
    case perSecond = "per_second"
    case perClip = "per_clip"
}

/// The price of one resolution in one sheet.
public struct Rate: Sendable, Hashable {
    public let unit: PriceUnit
    /// Per second (unit `perSecond`): the rate as generated (audio included for `always`,
    /// silent for `optional`). Unused (0) for `perClip`.
    public let perSecondMicros: Int64
    /// Per second with audio, when the book prices audio as its own rate.
    public let perSecondWithAudioMicros: Int64?
    /// Per second added for audio, when the book prices audio as a surcharge.
    public let audioSurchargeMicrosPerSecond: Int64?
    /// Per-clip prices, ascending by length (unit `perClip`).
    public let clips: [ClipPrice]
    public let provenance: Provenance
    /// Set when sources disagree on this rate (or it is only a "from" price).
    public let conflict: PriceConflict?
}

/// The price of one clip length.
public struct ClipPrice: Sendable, Hashable {
    public let seconds: Int
    public let micros: Int64
    public let withAudioMicros: Int64?
}
