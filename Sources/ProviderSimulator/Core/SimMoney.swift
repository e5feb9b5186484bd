import Basics
import Money

/// Amounts in the simulator are integer micro-units, written the way providers write them.
enum SimMoney {
    /// As a JSON number token without trailing zeros: 350_000 → `0.35`, 12_500_000 → `12.5`.
    static func numberToken(_ micros: Int64) -> JSONValue { .number(trimmed(micros)) }

    /// As decimal text with six places: `"12.345678"` (AIMO `balance_usd`, Venice header).
    static func sixPlaces(_ micros: Int64) -> String { DecimalAmount.string(fromMicros: micros) }

    /// NanoGPT writes balance strings with eight places (`"129.46956147"`).
    static func eightPlaces(_ micros: Int64) -> String { sixPlaces(micros) + "00" }

    static func trimmed(_ micros: Int64) -> String {
        var text = sixPlaces(micros)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Parses scenario decimals (`0.40`) into micro-units, rounding half-up once.
    static func micros(_ text: String) -> Int64? { try? DecimalAmount.micros(from: text, precision: .roundHalfUp) }
}
