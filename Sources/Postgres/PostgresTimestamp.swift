import Basics
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
    public var postgresText: String { ISO8601Instant.string(microsecondsSinceEpoch: microsecondsSinceEpoch) }

    public static func < (left: PostgresTimestamp, right: PostgresTimestamp) -> Bool {
        left.microsecondsSinceEpoch < right.microsecondsSinceEpoch
    }
}
