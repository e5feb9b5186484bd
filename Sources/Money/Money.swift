/// An exact amount of one currency, in integer micro-units (1e-6 of the unit).
///
/// Arithmetic refuses to overflow or to mix currencies: a wrong total is worse than an error.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let micros: Int64
    public let currency: Currency

    public init(micros: Int64, currency: Currency) {
        self.micros = micros
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(micros: 0, currency: currency) }

    /// Parses a decimal string (`"12.5"`, `"0.000001"`) in the given currency.
    public init(decimal: String, currency: Currency, precision: DecimalAmount.Precision = .exact) throws(MoneyError) {
        self.init(micros: try DecimalAmount.micros(from: decimal, precision: precision), currency: currency)
    }

    /// The amount as a six-decimal string, the form JSON and reports carry: `"0.800000"`.
    public var decimalString: String { DecimalAmount.string(fromMicros: micros) }

    public var description: String { "\(decimalString) \(currency.rawValue)" }

    public func adding(_ other: Money) throws(MoneyError) -> Money {
        guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
        let (sum, overflow) = micros.addingReportingOverflow(other.micros)
        guard !overflow else { throw .overflow }
        return Money(micros: sum, currency: currency)
    }

    public func subtracting(_ other: Money) throws(MoneyError) -> Money {
        guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
        let (difference, overflow) = micros.subtractingReportingOverflow(other.micros)
        guard !overflow else { throw .overflow }
        return Money(micros: difference, currency: currency)
    }

    public func multiplied(by factor: Int64) throws(MoneyError) -> Money {
        let (product, overflow) = micros.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw .overflow }
        return Money(micros: product, currency: currency)
    }

    /// Orders amounts of one currency. Comparing different currencies is a programming error.
    public static func < (left: Money, right: Money) -> Bool {
        precondition(left.currency == right.currency, "compared \(left.currency) with \(right.currency)")
        return left.micros < right.micros
    }
}
