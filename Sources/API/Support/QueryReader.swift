import Basics
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
        guard allowed.contains(value) else {
            throw Self.invalid(name, "must be one of \(allowed.joined(separator: ", "))")
        }
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
