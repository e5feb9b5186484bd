import Foundation
import Hummingbird
import Postgres
import Pricing

/// Reads and checks query parameters. Every bad value is a 400 whose code and message name the
/// parameter (`invalid_status`, "status must be one of …"), so a dashboard author sees which
/// filter to fix.
struct QueryReader {
    let parameters: Parameters

    init(_ request: Request) {
        self.parameters = request.uri.queryParameters
    }

    /// Longest value accepted for any parameter: filters are ids and dates, never prose.
    static let valueCharactersMax = 256

    static func invalid(_ name: String, _ message: String) -> APIError {
        APIError.badRequest("invalid_\(name)", "\(name) \(message)")
    }

    /// A rule between parameters that a schema cannot state (`from` before `to`): well-formed
    /// values that do not fit together are a 422, never a 400.
    static func unacceptable(_ name: String, _ message: String) -> APIError {
        APIError.unprocessable("invalid_\(name)", "\(name) \(message)")
    }

    /// The raw value, nil when absent. A parameter given empty (`?user_id=`) is a 400, like any
    /// other value the document does not allow.
    func string(_ name: String) throws -> String? {
        guard let value = parameters[Substring(name)] else { return nil }
        guard !value.isEmpty else { throw Self.invalid(name, "must not be empty") }
        guard value.unicodeScalars.count <= Self.valueCharactersMax else {
            throw Self.invalid(name, "must be at most \(Self.valueCharactersMax) characters")
        }
        return String(value)
    }

    /// A value that must match `pattern` (anchored), described for the error message.
    func string(_ name: String, matching pattern: String, described description: String) throws -> String? {
        guard let value = try string(name) else { return nil }
        guard InputRules.matches(value, "^(?:\(pattern))$") else {
            throw Self.invalid(name, "must be \(description)")
        }
        return value
    }

    /// One of a fixed set of words.
    func choice(_ name: String, from allowed: [String]) throws -> String? {
        guard let value = try string(name) else { return nil }
        guard allowed.contains(value) else { throw Self.invalid(name, "must be one of \(allowed.joined(separator: ", "))") }
        return value
    }

    /// A comma-separated list of words from a fixed set (`status=queued,running`).
    func choices(_ name: String, from allowed: [String]) throws -> [String]? {
        guard let value = try string(name) else { return nil }
        let words = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !words.isEmpty, words.allSatisfy(allowed.contains) else {
            throw Self.invalid(name, "must be one or more of \(allowed.joined(separator: ", ")), comma-separated")
        }
        return Array(Set(words)).sorted()
    }

    /// An integer within `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = try string(name) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw Self.invalid(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A UTC calendar date `YYYY-MM-DD` (years 1970-9999): 400 when not of that form, 422 for
    /// a day that does not exist (2026-02-30).
    func day(_ name: String) throws -> CalendarDay? {
        guard let value = try string(name) else { return nil }
        return try InputRules.day(value, field: name)
    }

    /// An instant: ISO 8601 with a zone (`2026-03-01T12:00:00Z`, up to six fractional digits),
    /// or a date `YYYY-MM-DD` meaning its UTC midnight: 400 when not of those forms, 422 for a
    /// day that does not exist.
    func instant(_ name: String) throws -> PostgresTimestamp? {
        guard let value = try string(name) else { return nil }
        return try InputRules.instant(value, field: name)
    }
}

extension CalendarDay {
    /// The day's first microsecond, UTC.
    var midnight: PostgresTimestamp { PostgresTimestamp(microsecondsSinceEpoch: Int64(daysSinceEpoch) * 86_400_000_000) }

    func adding(days: Int64) -> CalendarDay { CalendarDay(daysSinceEpoch: daysSinceEpoch + Int32(days)) }
}

/// ISO 8601 instants with a zone, to the microsecond, without going through `Date`'s Double.
enum ISO8601Instant {
    static func parse(_ text: String) -> PostgresTimestamp? {
        let pattern = "^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\\.[0-9]{1,6})?(Z|z|[+-][0-9]{2}:[0-9]{2})$"
        guard let match = try? NSRegularExpression(pattern: pattern).firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else { return nil }
        func group(_ index: Int) -> String? {
            guard let range = Range(match.range(at: index), in: text) else { return nil }
            return String(text[range])
        }
        guard let day = group(1).flatMap({ CalendarDay(iso: $0) }), let hour = group(2).flatMap({ Int64($0) }),
              let minute = group(3).flatMap({ Int64($0) }), let second = group(4).flatMap({ Int64($0) }),
              hour < 24, minute < 60, second < 60, let zone = group(6)
        else { return nil }
        var micros: Int64 = 0
        if let fraction = group(5)?.dropFirst() {
            micros = Int64(fraction + String(repeating: "0", count: 6 - fraction.count)) ?? 0
        }
        var offsetSeconds: Int64 = 0
        if zone.count == 6, let hours = Int64(zone.dropFirst().prefix(2)), let minutes = Int64(zone.suffix(2)), hours < 24, minutes < 60 {
            offsetSeconds = (hours * 3_600 + minutes * 60) * (zone.hasPrefix("-") ? -1 : 1)
        }
        let seconds = Int64(day.daysSinceEpoch) * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        return PostgresTimestamp(microsecondsSinceEpoch: seconds * 1_000_000 + micros)
    }
}
