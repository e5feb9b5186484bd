import Basics
import Money

/// Reads a provider's figures and holds them to `ResponseBounds`.
///
/// A missing or `null` member is nil: providers leave out what they don't know. A member that is
/// there but unreadable (wrong type, not a number, beyond `Int64`) or outside its bounds throws
/// `ProviderError.malformedResponse` naming `field`: a figure nobody can trust must neither settle
/// nor schedule a job. Nothing here can trap, whatever the text.
enum BoundedField {
    /// A cost in `0...costMicrosMax`.
    static func cost(_ value: JSONValue?, _ currency: Currency, field: String) throws(ProviderError) -> Money? {
        try money(value, currency, field: field, micros: ResponseBounds.costMicrosRange)
    }

    /// A balance in `-balanceMicrosMax...balanceMicrosMax`.
    static func balance(_ value: JSONValue?, _ currency: Currency, field: String) throws(ProviderError) -> Money? {
        try money(value, currency, field: field, micros: ResponseBounds.balanceMicrosRange)
    }

    /// An amount from a number's (or a string's) text, rounded half-up to micro-units once.
    static func money(
        _ value: JSONValue?, _ currency: Currency, field: String, micros range: ClosedRange<Int64>
    ) throws(ProviderError) -> Money? {
        guard let text = try presentText(value, field: field) else { return nil }
        let micros = try decimalMicros(text, field: field, expected: "an amount")
        guard range.contains(micros) else {
            let low = DecimalAmount.string(fromMicros: range.lowerBound)
            let high = DecimalAmount.string(fromMicros: range.upperBound)
            throw .malformedResponse(
                reason: "\(field): \(shown(text)) \(currency.rawValue) is outside \(low)...\(high)")
        }
        return Money(micros: micros, currency: currency)
    }

    /// A whole number in `range`. An integer token is read exactly; a decimal one (`42.5`,
    /// `1e3`) is rounded half-up, so a provider that sends fractions is not taken for broken.
    static func integer(_ value: JSONValue?, field: String, in range: ClosedRange<Int64>) throws(ProviderError)
        -> Int64?
    {
        guard let text = try presentText(value, field: field) else { return nil }
        let number: Int64
        if let exact = Int64(text) {
            number = exact
        } else {
            let micros = try decimalMicros(text, field: field, expected: "a number")
            // Dividing by a million cannot overflow, so the fallback is never taken.
            number =
                (try? Rounding.halfUp(Int128(micros), dividedBy: Int128(DecimalAmount.microsPerUnit))) ?? micros
                / DecimalAmount.microsPerUnit
        }
        guard range.contains(number) else {
            throw .malformedResponse(reason: "\(field): \(number) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    /// A duration given in (possibly fractional) seconds, as milliseconds in `range`.
    static func milliseconds(fromSeconds value: JSONValue?, field: String, in range: ClosedRange<Int64>)
        throws(ProviderError) -> Int64?
    {
        guard let text = try presentText(value, field: field) else { return nil }
        let micros = try decimalMicros(text, field: field, expected: "a number of seconds")
        // Half-up to whole milliseconds; a division by 1,000 cannot overflow, so the fallback is never taken.
        let milliseconds = (try? Rounding.halfUp(Int128(micros), dividedBy: 1_000)) ?? micros / 1_000
        guard range.contains(milliseconds) else {
            throw .malformedResponse(
                reason:
                    "\(field): \(shown(text)) s is outside \(range.lowerBound / 1_000)...\(range.upperBound / 1_000) s")
        }
        return milliseconds
    }

    /// The member's number text; nil when it is missing or `null`, an error for any other type.
    private static func presentText(_ value: JSONValue?, field: String) throws(ProviderError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.decimalText else { throw .malformedResponse(reason: "\(field): not a number") }
        return text
    }

    /// Decimal text in micro-units, rounded half-up; a number too large for them is out of range.
    private static func decimalMicros(_ text: String, field: String, expected: String) throws(ProviderError) -> Int64 {
        do {
            return try DecimalAmount.micros(from: text, precision: .roundHalfUp)
        } catch .overflow {
            throw .malformedResponse(reason: "\(field): \(shown(text)) is out of range")
        } catch {
            throw .malformedResponse(reason: "\(field): '\(shown(text))' is not \(expected)")
        }
    }

    private static func shown(_ text: String) -> String { ResponseBody.shortened(text) ?? "''" }
}
