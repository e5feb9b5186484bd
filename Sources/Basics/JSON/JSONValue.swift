/// A parsed JSON document that keeps every number as the exact text the provider sent.
///
/// Why not `JSONSerialization` or `Codable`: both turn `0.0850001` into a `Double` before we can
/// see it, and a money amount read through binary floating point can be off by one micro-unit
/// (`NSNumber.description` does not always print the text that was parsed). Provider money
/// values are parsed from `number`'s text with `DecimalAmount.micros(from:precision:)` instead.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number token exactly as written: `"0.35"`, `"1e-5"`, `"1764347090922"`.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object; nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    public var stringValue: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    public var boolValue: Bool? {
        guard case .bool(let flag) = self else { return nil }
        return flag
    }

    public var arrayValue: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// True for JSON `null`; a missing member is nil, not `null`.
    public var isNull: Bool { self == .null }

    /// The text of a number, or of a string that holds a decimal (providers send both: NanoGPT
    /// `"usd_balance": "129.46956147"`, Venice `"quote": 0.085`).
    public var decimalText: String? {
        switch self {
        case .number(let text): return text
        case .string(let text): return text
        default: return nil
        }
    }

    /// An integer from a number token with no fraction or exponent, or from a string of digits
    /// (`"8"` seconds in the OpenAI shape).
    public var int64Value: Int64? {
        guard let text = decimalText else { return nil }
        return Int64(text)
    }
}
