/// The one place where VideoLedger rounds money.
///
/// Every amount is an integer count of micro-units. Rounding happens only when a value with
/// finer precision becomes micro-units: a provider's JSON number such as `0.0850001`, or a rate
/// times a fraction. The rule is half-up (half away from zero), applied once.
public enum Rounding {
    /// `numerator / denominator` rounded half away from zero. Throws on overflow.
    /// - Precondition: `denominator > 0`.
    public static func halfUp(_ numerator: Int128, dividedBy denominator: Int128) throws(MoneyError) -> Int64 {
        precondition(denominator > 0, "rounding denominator must be positive")
        let magnitude = numerator.magnitude
        let divisor = denominator.magnitude
        var quotient = magnitude / divisor
        let remainder = magnitude % divisor
        if remainder * 2 >= divisor { quotient += 1 }
        guard quotient <= UInt128(Int64.max) else { throw .overflow }
        let result = Int64(quotient)
        return numerator < 0 ? -result : result
    }
}
