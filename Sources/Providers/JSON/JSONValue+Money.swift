import Basics
import Money

extension JSONValue {
    /// The value as money, parsed from the number's (or string's) text and rounded half-up to
    /// micro-units once. `0.0850001` → 85_000 micros, `1e-5` → 10, `"129.46956147"` → 129_469_561.
    /// Nil for a missing, null or non-numeric value.
    public func money(_ currency: Currency) -> Money? {
        guard let text = decimalText,
            let micros = try? DecimalAmount.micros(from: text, precision: .roundHalfUp)
        else { return nil }
        return Money(micros: micros, currency: currency)
    }
}
