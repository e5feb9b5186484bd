/// ISO 8601 instants in UTC, to the microsecond, without `Date` (a Double) or a formatter's
/// state: the one parser and the one writer of instants for the API, the database's text
/// form, wallet sign-in messages and the simulator.
public enum ISO8601Instant {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)` (`T` and `Z` in either case, one to six
    /// fraction digits, years 1970-9999) into microseconds since 1970-01-01T00:00:00Z; nil for
    /// anything else, a day that does not exist included.
    public static func microseconds(parsing text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes -> Int64? in
            var reader = DigitReader(bytes: bytes)
            guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
                let day = CalendarDay(iso: String(decoding: bytes[0..<10], as: UTF8.self))
            else { return nil }
            reader.index = 11
            guard let hour = reader.number(2), reader.skip(":"), let minute = reader.number(2), reader.skip(":"),
                let second = reader.number(2), hour < 24, minute < 60, second < 60
            else { return nil }
            var micros: Int64 = 0
            if reader.skip(".") {
                let start = reader.index
                while let digit = reader.digit() { micros = micros * 10 + digit }
                let count = reader.index - start
                guard (1...6).contains(count) else { return nil }
                for _ in count..<6 { micros *= 10 }
            }
            var offsetSeconds: Int64 = 0
            if reader.skip("Z") || reader.skip("z") {
                offsetSeconds = 0
            } else if let sign = reader.sign() {
                guard let hours = reader.number(2), reader.skip(":"), let minutes = reader.number(2), hours < 24,
                    minutes < 60
                else { return nil }
                offsetSeconds = sign * (hours * 3_600 + minutes * 60)
            } else {
                return nil
            }
            guard reader.index == bytes.count else { return nil }
            let seconds = Int64(day.daysSinceEpoch) * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
            return seconds * 1_000_000 + micros
        }
    }

    /// `2026-11-22T02:39:50.123456Z` with `fractionDigits` (0...6) digits of the second. Total
    /// over Int64: years before 1 are written with PostgreSQL's ` BC` suffix (year 0 is 1 BC),
    /// years past 9999 with as many digits as they need.
    public static func string(microsecondsSinceEpoch: Int64, fractionDigits: Int = 6) -> String {
        precondition((0...6).contains(fractionDigits), "at most six fraction digits")
        // Floor division without the overflow of `seconds * 1_000_000` near Int64.min.
        var (seconds, micros) = microsecondsSinceEpoch.quotientAndRemainder(dividingBy: 1_000_000)
        if micros < 0 {
            seconds -= 1
            micros += 1_000_000
        }
        var (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        if secondOfDay < 0 {
            days -= 1
            secondOfDay += 86_400
        }
        let (year, month, day) = CivilCalendar.date(days: days)
        let bc = year <= 0
        var text = CivilCalendar.padded(bc ? 1 - year : year, 4) + "-" + CivilCalendar.padded(month, 2) + "-"
        text += CivilCalendar.padded(day, 2) + "T" + CivilCalendar.padded(secondOfDay / 3_600, 2) + ":"
        text += CivilCalendar.padded(secondOfDay % 3_600 / 60, 2) + ":" + CivilCalendar.padded(secondOfDay % 60, 2)
        if fractionDigits > 0 {
            text += "." + CivilCalendar.padded(micros, 6).prefix(fractionDigits)
        }
        return text + "Z" + (bc ? " BC" : "")
    }
}

/// Reads ASCII digits and signs from a buffer, byte by byte.
private struct DigitReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    mutating func digit() -> Int64? {
        guard index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else {
            return nil
        }
        defer { index += 1 }
        return Int64(bytes[index] - UInt8(ascii: "0"))
    }

    /// Exactly `count` digits as a number.
    mutating func number(_ count: Int) -> Int64? {
        var value: Int64 = 0
        for _ in 0..<count {
            guard let digit = digit() else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(character.value) else { return false }
        index += 1
        return true
    }

    /// +1 for `+`, -1 for `-`, nil for anything else.
    mutating func sign() -> Int64? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}

extension ISO8601Instant {
    /// Unix milliseconds as `2026-01-01T00:00:00.000Z`, the form JavaScript's `toISOString()`
    /// gives (wallet sign-in messages, NanoGPT's timestamps).
    public static func milliseconds(_ milliseconds: Int64) -> String {
        string(microsecondsSinceEpoch: milliseconds * 1_000, fractionDigits: 3)
    }
}
