import Money

/// The ranges a provider's figures must fall in before an adapter returns them, in one place so
/// they can be reviewed together.
///
/// Why: a figure outside these ranges is not a fact about a job but a broken (or hostile) body.
/// Returned as a value it would settle a job on nonsense, or overflow the arithmetic that
/// follows (settlement, reconciliation sums, poll delays) and stop the process. A parser that
/// meets one answers `ProviderError.malformedResponse` naming the field, so the job is flagged
/// and its hold kept, never settled on the figure. Every bound leaves every sum of a lifetime of
/// such figures far inside `Int64`.
///
/// One exception: a side figure that comes with an answer about something else (a balance
/// header on an accepted submit or a status, AIMO's `variants_expected`, the amounts inside a
/// 402) is left out when outside its bounds, so that it never costs the answer itself: a
/// Venice queue's `download_url` is given only once.
public enum ResponseBounds {
    /// The most one job may cost (a precharge, a final cost, a quote), in micro-units of its
    /// currency: 100,000 units. The dearest price-book rate is under USD 1 a second, so even a
    /// 600-second clip in 16 variants stays under USD 10,000; ten times that is still no job.
    /// Costs are never negative: a refund is reported as a refund, not as a negative cost.
    public static let costMicrosMax: Int64 = 100_000 * DecimalAmount.microsPerUnit

    /// The largest balance magnitude, in micro-units: a billion units, more than any provider
    /// account holds. No provider documents the sign of a balance, and a post-paid account may
    /// run below zero, so a negative balance down to `-balanceMicrosMax` is accepted.
    /// Spend counters (AIGate `token.used`) are in `0...balanceMicrosMax`.
    public static let balanceMicrosMax: Int64 = 1_000_000_000 * DecimalAmount.microsPerUnit

    /// The most seconds a provider may say it billed for one job: an hour, six times the
    /// longest clip VideoLedger asks for (600 s).
    public static let billedSecondsMax: Int64 = 3_600

    /// The longest ETA or average render time, in milliseconds: a day. Renders take minutes
    /// (AIGate's synchronous call is cut at 15); an estimate past a day is not an estimate.
    public static let etaMillisecondsMax: Int64 = 86_400_000

    /// The longest time a job may have been running, in milliseconds: seven days, the bound
    /// after which a held job is released anyway.
    public static let elapsedMillisecondsMax: Int64 = 7 * 86_400_000

    /// Progress, in percent.
    public static let progressPercentRange: ClosedRange<Int64> = 0...100

    /// The most variants one job may make (AIMO `variants_expected`): as many as `ResultURLs`
    /// keeps and as the price books allow.
    public static let variantsMax: Int64 = 16

    public static var costMicrosRange: ClosedRange<Int64> { 0...costMicrosMax }
    public static var balanceMicrosRange: ClosedRange<Int64> { -balanceMicrosMax...balanceMicrosMax }
    public static var spentMicrosRange: ClosedRange<Int64> { 0...balanceMicrosMax }
}
