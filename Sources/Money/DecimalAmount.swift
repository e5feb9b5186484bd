/// Conversion between decimal text and integer micro-units.
///
/// JSON carries amounts as decimal strings (`"0.800000"`). Providers sometimes send JSON numbers
/// (`0.35`, `1.2e-5`); those are parsed from their text, never through `Double`.
public enum DecimalAmount {
    public static let microsPerUnit: Int64 = 1_000_000
    public static let fractionDigits = 6

    /// How to treat digits finer than a micro-unit.
    public enum Precision: Sendable {
        /// `-?[0-9]+(\.[0-9]{1,6})?`: at most six decimals, no `+` sign, no exponent (not even
        /// `e0`). The form VideoLedger's own API and price books accept.
        case exact
        /// Any JSON number (exponent allowed); rounded half-up to micro-units once.
        case roundHalfUp
    }

    /// Parses decimal text into micro-units.
    public static func micros(from text: String, precision: Precision = .exact) throws(MoneyError) -> Int64 {
        let parsed = try parse(text)
        if precision == .exact {
            guard !parsed.explicitPlus, !parsed.hasExponent else { throw .notADecimal(text) }
            guard parsed.fraction.count <= fractionDigits else { throw .tooManyFractionDigits(text) }
        }
        // value = digits × 10^(exponent − fraction.count); micros = value × 10^6.
        let scale = parsed.exponent - parsed.fraction.count + fractionDigits
        let digits = (parsed.integer + parsed.fraction).drop { $0 == "0" }
        guard digits.count <= 36 else { throw .overflow }
        var numerator: Int128 = 0
        for digit in digits { numerator = numerator * 10 + Int128(digit.wholeNumberValue!) }
        if parsed.negative { numerator = -numerator }
        if numerator == 0 { return 0 }
        if scale >= 0 {
            guard scale <= 18 else { throw .overflow }
            let (product, overflow) = numerator.multipliedReportingOverflow(by: pow10(scale))
            guard !overflow, let micros = Int64(exactly: product) else { throw .overflow }
            return micros
        }
        guard -scale <= 36 else { return 0 }
        return try Rounding.halfUp(numerator, dividedBy: pow10(-scale))
    }

    /// Formats micro-units as a decimal string with exactly six decimals: `800000` → `"0.800000"`.
    public static func string(fromMicros micros: Int64) -> String {
        let negative = micros < 0
        let magnitude = micros.magnitude
        let units = magnitude / UInt64(microsPerUnit)
        let fraction = String(magnitude % UInt64(microsPerUnit))
        let padded = String(repeating: "0", count: fractionDigits - fraction.count) + fraction
        return (negative ? "-" : "") + "\(units).\(padded)"
    }

    private struct Parsed {
        var negative: Bool
        var explicitPlus: Bool
        var hasExponent: Bool
        var integer: Substring
        var fraction: Substring
        var exponent: Int
    }

    private static func parse(_ text: String) throws(MoneyError) -> Parsed {
        var rest = Substring(text)
        var negative = false
        var explicitPlus = false
        if let sign = rest.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            explicitPlus = sign == "+"
            rest = rest.dropFirst()
        }
        let integer = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(integer.count)
        var fraction: Substring = ""
        if rest.first == "." {
            rest = rest.dropFirst()
            fraction = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(fraction.count)
            guard !fraction.isEmpty else { throw .notADecimal(text) }
        }
        guard !integer.isEmpty else { throw .notADecimal(text) }
        var exponent = 0
        let hasExponent = rest.first == "e" || rest.first == "E"
        if let marker = rest.first, marker == "e" || marker == "E" {
            rest = rest.dropFirst()
            var exponentText = rest
            if exponentText.first == "+" { exponentText = exponentText.dropFirst() }
            // `magnitude`, not `abs`: `abs(Int.min)` traps, and `1e-9223372036854775808` is valid JSON.
            guard let value = Int(exponentText), value.magnitude <= 64 else { throw .notADecimal(text) }
            exponent = value
            rest = ""
        }
        guard rest.isEmpty else { throw .notADecimal(text) }
        return Parsed(
            negative: negative, explicitPlus: explicitPlus, hasExponent: hasExponent, integer: integer,
            fraction: fraction,
            exponent: exponent)
    }

    private static func pow10(_ exponent: Int) -> Int128 {
        precondition(exponent >= 0 && exponent <= 38)
        var result: Int128 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }
}
