import ProviderRegistry

/// What the job history says about one provider's model family over one window: the figures the
/// expected cost is estimated from. Counted by the Jobs module's scorecard (SQL); plain values here.
public struct ReliabilityCounts: Sendable, Hashable {
    /// Jobs with an outcome: completed, failed (content policy included) or expired. Cancelled
    /// jobs (the caller's choice) and jobs still in flight or held are not attempts with an outcome.
    public var decided: Int
    public var completed: Int
    /// Completed jobs with a known actual cost, their quotes and Σ(actual − quoted).
    public var costedJobs: Int
    public var costedQuotedMicros: Int64
    public var costedErrorMicros: Int64
    /// Failed jobs, their quotes and what the provider kept for them (its charges less refunds).
    public var failedJobs: Int
    public var failedQuotedMicros: Int64
    public var failedBilledMicros: Int64
    /// 95th percentile of time to complete (created → finished) over completed jobs, milliseconds.
    public var p95Milliseconds: Int64?

    public init(
        decided: Int = 0, completed: Int = 0, costedJobs: Int = 0, costedQuotedMicros: Int64 = 0,
        costedErrorMicros: Int64 = 0,
        failedJobs: Int = 0, failedQuotedMicros: Int64 = 0, failedBilledMicros: Int64 = 0, p95Milliseconds: Int64? = nil
    ) {
        precondition(decided >= 0 && completed >= 0 && completed <= decided, "completed jobs are decided jobs")
        precondition(
            costedJobs >= 0 && failedJobs >= 0 && costedQuotedMicros >= 0 && failedQuotedMicros >= 0,
            "counts are non-negative")
        self.decided = decided
        self.completed = completed
        self.costedJobs = costedJobs
        self.costedQuotedMicros = costedQuotedMicros
        self.costedErrorMicros = costedErrorMicros
        self.failedJobs = failedJobs
        self.failedQuotedMicros = failedQuotedMicros
        self.failedBilledMicros = failedBilledMicros
        self.p95Milliseconds = p95Milliseconds
    }
}

/// A provider and a canonical model family: what a scorecard row and an expected-cost estimate are keyed by.
public struct ProviderFamily: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let provider: ProviderID
    public let family: String

    public init(provider: ProviderID, family: String) {
        self.provider = provider
        self.family = family
    }

    public static func < (left: ProviderFamily, right: ProviderFamily) -> Bool {
        (left.provider.order, Array(left.family.utf8)) < (right.provider.order, Array(right.family.utf8))
    }

    public var description: String { "\(provider.rawValue)/\(family)" }
}

private func < (left: (Int, [UInt8]), right: (Int, [UInt8])) -> Bool {
    left.0 != right.0 ? left.0 < right.0 : left.1.lexicographicallyPrecedes(right.1)
}
