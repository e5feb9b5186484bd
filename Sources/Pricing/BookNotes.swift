/// What a price book says beside a rate: that its sources disagree, that the model is announced
/// to retire, that a priced choice cannot be asked for. Offers carry the first two so callers
/// (and the nightly quote-accuracy section) can see them; the third changes how a request is
/// priced. `pricing check` lists all three as warnings.

/// Sources that disagree on a rate (or a rate that is only a "from", lowest, price). The book
/// quotes one figure and says why; the others stay on record with their sources.
public struct PriceConflict: Sendable, Hashable {
    /// Why the quoted figure was chosen over the others (or why it may be off).
    public let reason: String
    /// The figures not quoted, each with its source; empty for a lone "from" price.
    public let others: [ConflictingFigure]

    public init(reason: String, others: [ConflictingFigure]) {
        self.reason = reason
        self.others = others
    }
}

/// A figure a source gives for the same rate, not the one quoted.
public struct ConflictingFigure: Sendable, Hashable {
    /// Per second (or per clip, for a per-clip rate), in micro-USD.
    public let micros: Int64
    public let source: String
    public let asOf: CalendarDay

    public init(micros: Int64, source: String, asOf: CalendarDay) {
        self.micros = micros
        self.source = source
        self.asOf = asOf
    }
}

/// A retirement announced for a model. From `asOf` (the day the source showed it) quotes carry
/// the notice; from `on`, a confirmed retirement refuses new quotes (like `retired_at`), while
/// an unconfirmed one keeps the model offered, still with the notice, until the book confirms it.
public struct RetirementNotice: Sendable, Hashable {
    /// The announced day the model stops.
    public let on: CalendarDay
    /// Whether the provider (or the model's maker) confirmed the date.
    public let confirmed: Bool
    public let source: String
    /// The day the source showed the announcement: the notice applies to quotes from this day.
    public let asOf: CalendarDay

    public init(on: CalendarDay, confirmed: Bool, source: String, asOf: CalendarDay) {
        self.on = on
        self.confirmed = confirmed
        self.source = source
        self.asOf = asOf
    }

    /// Whether a quote priced on `day` carries the notice.
    @inline(__always)
    public func applies(on day: CalendarDay) -> Bool { day >= asOf }

    public var description: String {
        "announced to retire on \(on)" + (confirmed ? "" : " (unconfirmed)") + " per \(source) (as of \(asOf))"
    }
}

/// The provider's request cannot switch audio for this model: it renders what it renders by
/// default, so that is what is priced. A request for the other choice is re-priced (audio
/// rendered anyway) or refused (silence rendered, audio asked for), with this reason.
public struct UnrequestableAudio: Sendable, Hashable {
    /// What the provider renders: true when it makes audio.
    public let rendersAudio: Bool
    public let reason: String

    public init(rendersAudio: Bool, reason: String) {
        self.rendersAudio = rendersAudio
        self.reason = reason
    }
}
