import Basics

/// Where a figure in a price book comes from: every rate (and every duration/variant limit)
/// names its source and the date it was read, and says when it had to be inferred.
public struct Provenance: Sendable, Hashable {
    /// The document, page or catalog the figure was read from.
    public let source: String
    /// The date the source showed the figure.
    public let asOf: CalendarDay
    /// Why the figure is an inference rather than a published number; nil when published.
    public let inferredReason: String?

    public init(source: String, asOf: CalendarDay, inferredReason: String?) {
        self.source = source
        self.asOf = asOf
        self.inferredReason = inferredReason
    }

    public var isInferred: Bool { inferredReason != nil }
}
