import Foundation

/// A UTC calendar day, `YYYY-MM-DD`, kept as days since 1970-01-01 so comparing two days (the
/// quote path does it per offer) compares integers.
///
/// A day is a calendar fact, not an instant: price books date prices by day (a price is in
/// force from the start, UTC, of its `effective_from` day), reports name their period by days
/// and the SQL turns a day into `[day 00:00 UTC, next day 00:00 UTC)` itself.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// Days since 1970-01-01.
    public let daysSinceEpoch: Int32

    /// Years a day may name: PostgreSQL's `date` goes further, finance does not.
    public static let years = 1970...9999

    public init(daysSinceEpoch: Int32) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// A valid Gregorian date in `years`; nil for a day that does not exist (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard Self.years.contains(year), (1...12).contains(month),
            (1...CivilCalendar.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        daysSinceEpoch = Int32(CivilCalendar.days(year: Int64(year), month: Int64(month), day: Int64(day)))
    }

    /// Parses exactly `YYYY-MM-DD` (ten ASCII characters, a real date); nil for anything else.
    public init?(iso text: String) {
        var text = text
        let parts = text.withUTF8 { bytes -> (Int, Int, Int)? in
            guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    let byte = bytes[index]
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
            return (year, month, day)
        }
        guard let (year, month, day) = parts else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Today in UTC, from the system clock.
    public static func today() -> CalendarDay {
        let seconds = Int64(Date().timeIntervalSince1970.rounded(.down))
        return CalendarDay(daysSinceEpoch: Int32(seconds / 86_400))
    }

    public var year: Int { Int(civil.year) }
    public var month: Int { Int(civil.month) }
    public var day: Int { Int(civil.day) }

    /// The day `days` later (earlier when negative); nil outside `years`.
    public func adding(days: Int) -> CalendarDay? {
        let moved = CalendarDay(daysSinceEpoch: daysSinceEpoch + Int32(clamping: days))
        return Self.years.contains(moved.year) ? moved : nil
    }

    /// The first day of this day's month.
    public var firstOfMonth: CalendarDay { CalendarDay(daysSinceEpoch: daysSinceEpoch - Int32(day - 1)) }

    /// The day's first microsecond (UTC) since the epoch.
    public var midnightMicroseconds: Int64 { Int64(daysSinceEpoch) * 86_400_000_000 }

    public static func < (left: CalendarDay, right: CalendarDay) -> Bool {
        left.daysSinceEpoch < right.daysSinceEpoch
    }

    /// `2026-01-15`: the form price books, the CLI, the API and report file names use.
    public var description: String {
        let (year, month, day) = civil
        return CivilCalendar.padded(year, 4) + "-" + CivilCalendar.padded(month, 2) + "-"
            + CivilCalendar.padded(day, 2)
    }

    private var civil: (year: Int64, month: Int64, day: Int64) { CivilCalendar.date(days: Int64(daysSinceEpoch)) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = CalendarDay(iso: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath, debugDescription: "'\(Echo.short(text))' is not a YYYY-MM-DD date"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
