import Foundation

/// JSON the simulator writes, with numbers given as text so it can send exactly the tokens real
/// providers send (`0.35`, `1764347090922`, `1e-5`), and a reader for request bodies.
indirect enum SimJSON: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([SimJSON])
    case object([String: SimJSON])

    static func int(_ value: some BinaryInteger) -> SimJSON { .number(String(value)) }

    var text: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let token): return token
        case .string(let text): return SimJSON.quoted(text)
        case .array(let elements): return "[" + elements.map(\.text).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.keys.sorted().map { SimJSON.quoted($0) + ":" + (members[$0] ?? .null).text }.joined(separator: ",") + "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20: output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// A request body's top-level object with its string, integer and boolean members as text;
    /// nil when the body is not a JSON object. Requests carry no money (durations, counts), so
    /// other members are skipped.
    static func fields(_ body: [UInt8]) -> [String: String]? {
        guard let object = try? JSONDecoder().decode([String: RequestField].self, from: Data(body)) else { return nil }
        return object.compactMapValues(\.text)
    }
}

/// One member of a request object, as text when it is a scalar the simulator reads.
private struct RequestField: Decodable {
    let text: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            text = flag ? "true" : "false"
        } else if let integer = try? container.decode(Int64.self) {
            text = String(integer)
        } else if let string = try? container.decode(String.self) {
            text = string
        } else {
            text = nil
        }
    }
}
