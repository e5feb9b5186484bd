/// Why an amount could not be parsed or computed. Each case names the value at fault so the
/// message can be shown to a caller as is.
public enum MoneyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not a decimal number of the accepted form.
    case notADecimal(String)
    /// More than six fraction digits where rounding was not allowed.
    case tooManyFractionDigits(String)
    /// The result does not fit in Int64 micro-units (about ±9.2 trillion units).
    case overflow
    /// Two amounts of different currencies were combined.
    case currencyMismatch(Currency, Currency)

    public var description: String {
        switch self {
        case .notADecimal(let text):
            return
                "'\(Self.echo(text))' is not a decimal amount (expected digits with an optional '.' and up to 6 decimals)"
        case .tooManyFractionDigits(let text):
            return "'\(Self.echo(text))' has more than 6 decimals; amounts are kept in micro-units"
        case .overflow:
            return "amount is out of range for micro-units (Int64)"
        case .currencyMismatch(let left, let right):
            return "cannot combine \(left.rawValue) with \(right.rawValue)"
        }
    }

    /// Input quoted back in a message: at most 32 characters, control characters as `?`, so an
    /// error never echoes a request body back at length.
    public static func echo(_ text: String) -> String {
        let shown = text.unicodeScalars.prefix(32).map {
            $0.properties.generalCategory == .control ? "?" : Character($0)
        }
        return String(shown) + (text.unicodeScalars.count > 32 ? "…" : "")
    }
}
