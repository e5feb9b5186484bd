import Basics
import Foundation
import Hummingbird
import Money
import Postgres
import Pricing
import ProviderRegistry

/// The request rules the OpenAPI document states as schemas, checked here by the same
/// patterns, so a request the document calls valid is never refused as malformed (400) and
/// one it calls invalid is never accepted.
enum InputRules {
    /// User ids (the `users.id` check constraint).
    static let userIDPattern = "^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}$"
    /// A provider's job id: it becomes a URL path segment with our key attached.
    static let providerJobIDPattern = "^[A-Za-z0-9._:-]{1,200}$"
    /// An amount above zero: up to 12 integer digits (so any amount fits Int64 micro-units) and
    /// up to 6 decimals, no sign, no exponent, no leading zeros.
    static let positiveAmountPattern =
        #"^([1-9][0-9]{0,11}(\.[0-9]{1,6})?|0\.([1-9][0-9]{0,5}|0[1-9][0-9]{0,4}|00[1-9][0-9]{0,3}|000[1-9][0-9]{0,2}|0000[1-9][0-9]?|00000[1-9]))$"#
    /// An amount of zero or more, same form.
    static let nonNegativeAmountPattern = #"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?$"#

    /// Whether the whole text matches `pattern` (one of the patterns above: each compiled once).
    /// The match must cover the whole text: ICU's `$` also matches before a final newline,
    /// which JSON Schema's (ECMA) does not, and neither do the database's check constraints.
    static func matches(_ text: String, _ pattern: String) -> Bool {
        guard let expression = compiled[pattern] ?? (try? NSRegularExpression(pattern: pattern)) else { return false }
        let whole = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, range: whole)?.range == whole
    }

    private static let compiled: [String: NSRegularExpression] = {
        var expressions: [String: NSRegularExpression] = [:]
        for pattern in [
            userIDPattern, providerJobIDPattern, positiveAmountPattern, nonNegativeAmountPattern, datePattern,
            instantPattern,
            durationTextPattern, resolutionPattern, TokenStore.namePattern, IdempotencyKey.pattern,
        ] {
            expressions[pattern] = try? NSRegularExpression(pattern: pattern)
        }
        return expressions
    }()

    /// `userIDPattern`, checked byte by byte: it runs on every user route (spend among them,
    /// whose cost is measured), where a regular expression cost more than the rest of the
    /// check together.
    static func isUserID(_ text: String) -> Bool {
        var count = 0
        for byte in text.utf8 {
            let alphanumeric =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            if count == 0 {
                guard alphanumeric else { return false }
            } else {
                guard
                    alphanumeric || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "@")
                        || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-")
                else { return false }
            }
            count += 1
            guard count <= 128 else { return false }
        }
        return count > 0
    }

    /// `datePattern`, checked byte by byte (the spend route reads two dates per request).
    static func isDateText(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (0x30...0x39).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return false }
        return year >= 1970 && (1...12).contains(month) && (1...31).contains(day)
    }

    /// A user id from the path or a body, or a 400 `invalid_user_id` (which quotes none of it).
    static func userID(_ text: String) throws -> String {
        guard isUserID(text) else {
            throw APIError.badRequest(
                "invalid_user_id", "user id must be 1-128 of A-Z a-z 0-9 _ . @ : -, starting with a letter or digit")
        }
        return text
    }

    /// The path's `{id}` as a user id.
    static func userID(_ context: APIRequestContext) throws -> String {
        try userID(try pathParameter("id", context))
    }

    /// A path parameter, percent-decoded (the router hands them over as sent: `a%3Ab`); a
    /// broken escape is a 400.
    static func pathParameter(_ name: String, _ context: APIRequestContext) throws -> String {
        let raw = try context.parameters.require(name)
        guard raw.contains("%") else { return raw }
        guard let decoded = raw.removingPercentEncoding else {
            throw APIError.badRequest("invalid_\(name)", "\(name) has a broken percent escape")
        }
        return decoded
    }

    /// Micro-units of an amount field, or a 400 naming the field.
    static func amount(_ text: String, field: String, positive: Bool) throws -> Int64 {
        guard matches(text, positive ? positiveAmountPattern : nonNegativeAmountPattern) else {
            throw APIError.badRequest(
                "invalid_\(field)",
                "\(field) must be a decimal string \(positive ? "above" : "of at least") zero with at most 12 integer digits and 6 decimals, like \"12.50\""
            )
        }
        return try DecimalAmount.micros(from: text)
    }

    /// `YYYY-MM-DD`, years 1970-9999 (the document's `Date`).
    static let datePattern = "^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    /// A date, or an ISO 8601 time with a zone (the document's `InstantInput`).
    static let instantPattern =
        "^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?$"

    static func day(_ text: String, field: String) throws -> CalendarDay {
        guard isDateText(text) else { throw QueryReader.invalid(field, "must be a date YYYY-MM-DD (1970-9999)") }
        guard let day = CalendarDay(iso: text) else {
            throw QueryReader.unacceptable(field, "is not a day of the calendar")
        }
        return day
    }

    static func instant(_ text: String, field: String) throws -> PostgresTimestamp {
        guard matches(text, instantPattern) else {
            throw QueryReader.invalid(
                field, "must be an ISO 8601 time with a zone (2026-03-01T12:00:00Z) or a date YYYY-MM-DD")
        }
        if let day = CalendarDay(iso: text) {
            return PostgresTimestamp(microsecondsSinceEpoch: day.midnightMicroseconds)
        }
        guard let micros = ISO8601Instant.microseconds(parsing: text) else {
            throw QueryReader.unacceptable(field, "is not a day of the calendar")
        }
        return PostgresTimestamp(microsecondsSinceEpoch: micros)
    }

    // MARK: - Video specs

    static let catalogNameLengthMax = 128
    static let durationTextPattern = "^([Aa][Uu][Tt][Oo]|[0-9]{1,6}[sS]?)$"
    static let resolutionPattern = "^([0-9]{3,4}[pP]|4[kK]|[0-9]{1,5}[xX][0-9]{1,5})$"
    static let aspectRatios = AspectRatio.allCases.map(\.rawValue) + ["auto"]
    static let modes = ["t2v", "i2v", "v2v", "upscale", "text-to-video", "image-to-video", "video-to-video"]
    static let providers = ProviderID.allCases.map(\.rawValue)

    /// The spec fields' forms as the document states them (names the price books do not know,
    /// and combinations no provider runs, are the catalog's 422s).
    static func checkSpec(
        family: String?, model: String?, provider: String?, quality: String?, duration: String?, resolution: String?,
        aspectRatio: String?, mode: String?, pricedOn: String?, providers allowedProviders: [String] = providers
    ) throws {
        for (field, value) in [("family", family), ("model", model), ("quality", quality)] {
            if let value, value.isEmpty || value.unicodeScalars.count > catalogNameLengthMax {
                throw APIError.badRequest("invalid_\(field)", "\(field) must be 1-\(catalogNameLengthMax) characters")
            }
        }
        if let provider, !allowedProviders.contains(provider) {
            throw APIError.badRequest(
                "invalid_provider", "provider must be one of \(allowedProviders.joined(separator: ", "))")
        }
        if let duration, !matches(duration, durationTextPattern) {
            throw APIError.badRequest(
                "invalid_duration", "duration must be whole seconds (\"8\", \"8s\"), 8, or \"auto\"")
        }
        if let resolution, !matches(resolution, resolutionPattern) {
            throw APIError.badRequest(
                "invalid_resolution", "resolution must be a class such as 1080p or 4k, or a size such as 1920x1080")
        }
        if let aspectRatio, !aspectRatios.contains(aspectRatio) {
            throw APIError.badRequest(
                "invalid_aspect_ratio", "aspect_ratio must be one of \(aspectRatios.joined(separator: ", "))")
        }
        if let mode, !modes.contains(mode) {
            throw APIError.badRequest("invalid_mode", "mode must be one of \(modes.joined(separator: ", "))")
        }
        if let pricedOn, !matches(pricedOn, datePattern) {
            throw APIError.badRequest("invalid_priced_on", "priced_on must be a date YYYY-MM-DD (1970-9999)")
        }
    }
}
