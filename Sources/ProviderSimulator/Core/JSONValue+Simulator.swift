import Basics

/// The simulator writes its answers as `JSONValue`, numbers given as text, so it can send
/// exactly the tokens real providers send (`0.35`, `1764347090922`, `1e-5`).
extension JSONValue {
    static func int(_ value: some BinaryInteger) -> JSONValue { .number(String(value)) }

    /// The value's bytes as the simulator sends them (keys sorted).
    var text: String { JSONWriter.string(self) }

    /// A request body's top-level object with its string, integer and boolean members as text;
    /// nil when the body is not a JSON object. Requests carry no money (durations, counts), so
    /// other members are skipped.
    static func requestFields(_ body: [UInt8]) -> [String: String]? {
        guard case .object(let members)? = try? JSONParser.parse(body) else { return nil }
        return members.compactMapValues { member in
            switch member {
            case .string(let text): return text
            case .bool(let flag): return flag ? "true" : "false"
            case .number(let token): return Int64(token).map(String.init)
            default: return nil
            }
        }
    }
}
