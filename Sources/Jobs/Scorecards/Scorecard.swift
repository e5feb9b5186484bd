import Foundation
import Pricing
import ProviderRegistry

/// How one provider's model family did over one window: what `GET /v1/providers/scorecards`
/// and `videoledger providers scorecards` show. Counts are jobs created in the window; rates are
/// over the jobs that had an outcome (completed, failed or expired), refunds over the failed.
public struct ScorecardRow: Sendable, Hashable {
    public let window: String
    public let provider: ProviderID
    public let family: String
    public let jobs: Int
    public let completed: Int
    public let failed: Int
    /// Failed with `failure_code = 'content_policy'` (also counted in `failed`).
    public let contentPolicy: Int
    public let cancelled: Int
    public let expired: Int
    /// Held: the provider stopped answering usably.
    public let stalled: Int
    /// Held: the submit's answer was lost.
    public let unknown: Int
    /// Submitting, queued or running.
    public let inFlight: Int
    /// Failed jobs the provider refunded.
    public let refunded: Int
    public let p50Milliseconds: Int64?
    public let p95Milliseconds: Int64?
    /// Completed jobs with an actual cost, and the quote error (actual − quoted) over them.
    public let costed: Int
    public let costedQuotedMicros: Int64
    public let quoteErrorTotalMicros: Int64
    public let quoteErrorP50Micros: Int64?
    public let quoteErrorP95Micros: Int64?
    public let failedQuotedMicros: Int64
    /// What providers kept of failed jobs, by our record.
    public let failedBilledMicros: Int64
    /// Jobs with a live quote, and its drift (live − catalog quote).
    public let liveQuoted: Int
    public let liveDriftTotalMicros: Int64
    public let liveDriftP50Micros: Int64?
    public let liveDriftP95Micros: Int64?

    /// Jobs with an outcome.
    public var decided: Int { completed + failed + expired }
    public var completionRatePPB: Int64? { rate(completed, decided) }
    public var failureRatePPB: Int64? { rate(failed, decided) }
    public var contentPolicyRatePPB: Int64? { rate(contentPolicy, decided) }
    public var refundRatePPB: Int64? { rate(refunded, failed) }

    private func rate(_ part: Int, _ whole: Int) -> Int64? {
        whole > 0 ? Reliability.ratioPPB(Int128(part), Int128(whole)) : nil
    }

    /// What the expected cost estimates from.
    public var reliabilityCounts: ReliabilityCounts {
        ReliabilityCounts(
            decided: decided, completed: completed, costedJobs: costed, costedQuotedMicros: costedQuotedMicros,
            costedErrorMicros: quoteErrorTotalMicros, failedJobs: failed, failedQuotedMicros: failedQuotedMicros,
            failedBilledMicros: failedBilledMicros, p95Milliseconds: p95Milliseconds)
    }

    public var key: ProviderFamily { ProviderFamily(provider: provider, family: family) }
}

/// The scorecards at one moment: every window's rows, and the expected-cost book the quote
/// engine ranks with, built from the ranking window (30 days).
public struct Scorecard: Sendable {
    /// The windows' end.
    public let asOf: Date
    public let generation: UInt64
    /// By window (24h, 7d, 30d), then provider and family. A provider and family without a job
    /// in a window has no row in it.
    public let rows: [ScorecardRow]
    public let book: ExpectedCostBook

    public init(asOf: Date, generation: UInt64, rows: [ScorecardRow], book: ExpectedCostBook) {
        self.asOf = asOf
        self.generation = generation
        self.rows = rows
        self.book = book
    }

    /// The window expected costs are estimated from.
    public static let rankingWindow = "30d"
    public static let windows = ScorecardQuery.windows.map(\.name)
}
