import Foundation

/// A `timestamptz` kept exactly: microseconds since the Unix epoch, as PostgreSQL stores it.
/// `Date` is a Double and cannot promise microseconds; this type can.
///
/// Every conversion is total: no value of `microsecondsSinceEpoch` (Int64.min and Int64.max
/// included) and no `Date` (infinite, NaN) can trap. Values outside what PostgreSQL stores are
/// written as text PostgreSQL refuses with a data error, never as a crash; callers taking
/// instants from outside check `isStorable` (or a narrower range of their own) first.
public struct PostgresTimestamp: Sendable, Hashable, Comparable, PostgresEncodable {
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// The instant nearest to `date`; saturates at Int64's ends (NaN becomes the epoch).
    public init(_ date: Date) {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        if micros.isNaN {
            self.microsecondsSinceEpoch = 0
        } else if micros >= 9.223372036854775807e18 {
            self.microsecondsSinceEpoch = .max
        } else if micros <= -9.223372036854775808e18 {
            self.microsecondsSinceEpoch = .min
        } else {
            self.microsecondsSinceEpoch = Int64(micros)
        }
    }

    public var date: Date { Date(timeIntervalSince1970: Double(microsecondsSinceEpoch) / 1_000_000) }

    /// 1970-01-01T00:00:00Z.
    public static let unixEpoch = PostgresTimestamp(microsecondsSinceEpoch: 0)
    /// 10000-01-01T00:00:00Z: the first instant with a five-digit year.
    public static let yearTenThousand = PostgresTimestamp(microsecondsSinceEpoch: 253_402_300_800_000_000)

    /// Whether the instant lies in 1970-01-01 ..< 10000-01-01 UTC: the range the API accepts
    /// from callers and formats as ISO 8601 with a four-digit year.
    public var isInAPIRange: Bool { self >= Self.unixEpoch && self < Self.yearTenThousand }

    /// `2026-11-22T02:39:50.123456Z`. Years before 1 are written with PostgreSQL's ` BC`
    /// suffix (year 0 is 1 BC), years past 9999 with as many digits as they need.
    public var postgresText: String {
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
        let (year, month, day) = Self.civil(fromDays: days)
        let bc = year <= 0
        let shownYear = bc ? 1 - year : year
        let fraction = String(micros)
        return Self.padded(shownYear, 4) + "-" + Self.padded(month, 2) + "-" + Self.padded(day, 2)
            + "T" + Self.padded(secondOfDay / 3_600, 2) + ":" + Self.padded(secondOfDay % 3_600 / 60, 2)
            + ":" + Self.padded(secondOfDay % 60, 2) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
            + "Z" + (bc ? " BC" : "")
    }

    public static func < (left: PostgresTimestamp, right: PostgresTimestamp) -> Bool {
        left.microsecondsSinceEpoch < right.microsecondsSinceEpoch
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Howard Hinnant's civil_from_days over Int64: days since 1970-01-01 (any Int64 that
    /// `seconds / 86_400` yields, so at most about ±1.07e14) → proleptic Gregorian date.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
