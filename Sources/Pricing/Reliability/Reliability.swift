import Foundation
import Money
import ProviderRegistry

/// The arithmetic of expected cost per successful clip. Probabilities and ratios are fixed-point
/// parts per billion (`Int64`, `scale` = 1); money is micro-units, and the one division that
/// turns a price into an expected cost is rounded once, half-up, through `Money`'s `Rounding`.
///
/// For a price `q`, a success probability `p`, an expected quote error `e` (actual ÷ quoted − 1)
/// and a share `f` of the quote the provider keeps when an attempt fails:
///
///     expected = q × (1 + e) ÷ p  +  f × q × (1 − p) ÷ p
///
/// The first term is the price of a clip that comes out as billed, divided by the chance that
/// an attempt gives one: every failed attempt costs a retry at the same price. The second is
/// what the failed attempts themselves are billed: `(1 − p) ÷ p` failures per success, each
/// billed `f × q` (0 where failures are refunded). In fixed point, with `S` = 10⁹:
///
///     expected = q × ((S + E) × S + F × (S − P)) ÷ (S × P)      (rounded half-up once)
public enum Reliability {
    /// One in parts per billion.
    public static let scale: Int64 = 1_000_000_000
    /// The smallest success probability an expected cost divides by (0.1 %), so a provider that
    /// failed everything gets a large, finite figure.
    public static let successFloorPPB: Int64 = 1_000_000

    /// Expected cost per successful clip, in micro-units; `Int64.max` if it would not fit.
    public static func expectedMicros(
        priceMicros: Int64, successPPB: Int64, quoteErrorPPB: Int64, failureBilledPPB: Int64
    ) -> Int64 {
        let s = Int128(scale)
        let p = Int128(min(max(successPPB, successFloorPPB), scale))
        let e = Int128(min(max(quoteErrorPPB, -scale / 2), 10 * scale))
        let f = Int128(min(max(failureBilledPPB, 0), 10 * scale))
        let numerator = Int128(max(priceMicros, 0)) * ((s + e) * s + f * (s - p))
        return (try? Rounding.halfUp(numerator, dividedBy: s * p)) ?? Int64.max
    }

    /// `numerator ÷ denominator` in parts per billion, rounded half away from zero; 0 when the
    /// denominator is 0. A ratio, not money.
    public static func ratioPPB(_ numerator: Int128, _ denominator: Int128) -> Int64 {
        guard denominator > 0 else { return 0 }
        return (try? Rounding.halfUp(numerator * Int128(scale), dividedBy: denominator))
            ?? (numerator < 0 ? Int64.min : Int64.max)
    }

    /// Wilson's score interval for `successes` of `trials` (fractional counts allowed, as after
    /// blending with a prior), in parts per billion, clamped to [0, 1]; [0, 1] for no trials.
    public static func wilson(successes: Double, trials: Double, z: Double) -> (low: Int64, high: Int64) {
        guard trials > 0 else { return (0, scale) }
        let p = min(max(successes / trials, 0), 1)
        let z2 = z * z
        let denominator = 1 + z2 / trials
        let centre = p + z2 / (2 * trials)
        let margin = z * (p * (1 - p) / trials + z2 / (4 * trials * trials)).squareRoot()
        return (ppb((centre - margin) / denominator), ppb((centre + margin) / denominator))
    }

    /// A probability in [0, 1] as parts per billion.
    public static func ppb(_ probability: Double) -> Int64 {
        guard probability.isFinite else { return 0 }
        return Int64((min(max(probability, 0), 1) * Double(scale)).rounded())
    }

    /// A rate written as a decimal, `0.8`, `1`, `0.95`, as parts per billion, exactly (no
    /// binary fraction in between); nil outside [0, 1] or past 9 decimals. The REST API and the
    /// CLI read `min_success_rate` with it, so both accept and refuse the same texts.
    public static func ppb(decimal text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 1, whole.allSatisfy({ $0 == "0" || $0 == "1" })
        else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        if parts.count == 2 && fraction.isEmpty { return nil }
        guard fraction.count <= 9, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        fraction += String(repeating: "0", count: 9 - fraction.count)
        let value = Int64(whole)! * scale + Int64(fraction)!
        return value <= scale ? value : nil
    }

    /// Parts per billion as a decimal with `digits` places, half-up: `712_345_678` → `"0.7123"`.
    public static func decimal(_ ppb: Int64, digits: Int = 4) -> String {
        precondition((0...9).contains(digits), "0-9 digits")
        var divisor: Int64 = 1
        for _ in 0..<(9 - digits) { divisor *= 10 }
        let scaled = (try? Rounding.halfUp(Int128(ppb), dividedBy: Int128(divisor))) ?? 0
        let unit = Int64(pow(10, Double(digits)))
        let sign = scaled < 0 ? "-" : ""
        let magnitude = scaled.magnitude
        guard digits > 0 else { return sign + String(magnitude) }
        let fraction = String(magnitude % UInt64(unit))
        return sign + String(magnitude / UInt64(unit)) + "." + String(repeating: "0", count: digits - fraction.count)
            + fraction
    }
}

/// One provider's model family, estimated: how likely an attempt gives a clip, how far its bills
/// run from its quotes, what its failures are billed, and how many jobs that rests on.
public struct ReliabilityEstimate: Sendable, Hashable {
    public let key: ProviderFamily
    /// Decided jobs (completed, failed, expired) the estimate rests on.
    public let jobs: Int
    public let completed: Int
    /// completed ÷ jobs; nil without jobs.
    public let observedSuccessPPB: Int64?
    /// Wilson's 95 % (or `z`) interval around the observed rate; [0, 1] without jobs.
    public let observedLowPPB: Int64
    public let observedHighPPB: Int64
    /// The prior: the family's pooled success rate over every provider, or the default.
    public let priorSuccessPPB: Int64
    /// k ÷ (jobs + k): how much of the estimate is still the prior.
    public let priorWeightPPB: Int64
    /// (completed + k × prior) ÷ (jobs + k): the estimate, compared with `min_success_rate`.
    public let successPPB: Int64
    /// The lower Wilson bound over the prior-blended counts: what expected costs divide by, so a
    /// short history is ranked cautiously.
    public let rankingSuccessPPB: Int64
    /// Expected (actual − quoted) ÷ quoted, the prior (0) fading the same way.
    public let quoteErrorPPB: Int64
    /// Expected share of the quote a failed attempt is billed, the prior (0) fading the same way.
    public let failureBilledPPB: Int64
    /// 95th percentile of time to complete; nil without a completed job.
    public let p95Milliseconds: Int64?

    /// The estimate for `counts`, given the family's prior.
    public static func make(
        _ key: ProviderFamily, counts: ReliabilityCounts, priorSuccessPPB: Int64, settings: ReliabilitySettings
    )
        -> ReliabilityEstimate
    {
        let k = Int128(settings.priorJobs)
        let n = Int128(counts.decided)
        let successes = Int128(counts.completed)
        let blendedSuccesses =
            Double(counts.completed) + Double(settings.priorJobs) * Double(priorSuccessPPB) / Double(Reliability.scale)
        let observed = Reliability.wilson(
            successes: Double(counts.completed), trials: Double(counts.decided), z: settings.z)
        let blended = Reliability.wilson(
            successes: blendedSuccesses, trials: Double(counts.decided + settings.priorJobs), z: settings.z)
        // A prior that fades: k pseudo-jobs of the prior, so the weight is k ÷ (n + k).
        let fading = { (sum: Int64, quoted: Int64, count: Int) -> Int64 in
            guard count > 0, quoted > 0 else { return 0 }
            return Reliability.ratioPPB(Int128(sum) * Int128(count), Int128(quoted) * (Int128(count) + k))
        }
        return ReliabilityEstimate(
            key: key, jobs: counts.decided, completed: counts.completed,
            observedSuccessPPB: counts.decided > 0 ? Reliability.ratioPPB(successes, n) : nil,
            observedLowPPB: observed.low, observedHighPPB: observed.high, priorSuccessPPB: priorSuccessPPB,
            priorWeightPPB: Reliability.ratioPPB(k, n + k),
            successPPB: Reliability.ratioPPB(
                successes * Int128(Reliability.scale) + k * Int128(priorSuccessPPB), (n + k) * Int128(Reliability.scale)
            ),
            rankingSuccessPPB: blended.low,
            quoteErrorPPB: fading(counts.costedErrorMicros, counts.costedQuotedMicros, counts.costedJobs),
            failureBilledPPB: fading(counts.failedBilledMicros, counts.failedQuotedMicros, counts.failedJobs),
            p95Milliseconds: counts.p95Milliseconds)
    }

    /// Expected cost per successful clip of an offer priced `priceMicros`.
    @inline(__always)
    public func expectedMicros(priceMicros: Int64) -> Int64 {
        Reliability.expectedMicros(
            priceMicros: priceMicros, successPPB: rankingSuccessPPB, quoteErrorPPB: quoteErrorPPB,
            failureBilledPPB: failureBilledPPB)
    }

    /// "success rate 0.71 over 212 jobs": the estimate, and what it rests on.
    public var successSummary: String {
        if jobs == 0 { return "no jobs yet: prior \(Reliability.decimal(priorSuccessPPB, digits: 2))" }
        return "success rate \(Reliability.decimal(successPPB, digits: 2)) over \(jobs) job\(jobs == 1 ? "" : "s")"
            + " (\(completed) completed, prior weight \(Reliability.decimal(priorWeightPPB, digits: 2)))"
    }
}
