import API
import Basics
import Foundation
import Yams

/// The service's OpenAPI document, parsed once, and a validator for the subset of JSON Schema
/// it uses: $ref (local), type (one or a list, "null" included), required, properties,
/// additionalProperties, items, enum, pattern, minimum/maximum, minLength/maxLength, oneOf,
/// allOf. Keywords outside the subset (format, description, default) are annotations only.
struct OpenAPISpec: @unchecked Sendable {
    let root: [String: Any]

    static let shared: OpenAPISpec = {
        guard let loaded = (try? Yams.load(yaml: VideoLedgerApplication.openAPIDocument)) as? [String: Any] else {
            fatalError("openapi.yaml does not parse as a YAML mapping")
        }
        return OpenAPISpec(root: loaded)
    }()

    var paths: [String: [String: Any]] {
        (root["paths"] as? [String: Any] ?? [:]).compactMapValues { $0 as? [String: Any] }
    }

    /// "GET /v1/users/{id}/spend" for every operation in the document.
    var operations: Set<String> {
        var result: Set<String> = []
        for (path, item) in paths {
            for method in item.keys where ["get", "put", "post", "delete", "patch", "head"].contains(method) {
                result.insert(method.uppercased() + " " + path)
            }
        }
        return result
    }

    /// The documented path template a concrete path matches (`/v1/users/x/spend` → `/v1/users/{id}/spend`).
    func template(for path: String) -> String? {
        let concrete = path.split(separator: "/", omittingEmptySubsequences: false)
        return paths.keys.sorted().first { template in
            let parts = template.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == concrete.count else { return false }
            return zip(parts, concrete).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
    }

    /// Problems with one response: undocumented route or status, or a body that does not fit.
    func violations(method: String, path: String, status: Int, body: Data, contentType: String?) -> [String] {
        let bare = String(path.split(separator: "?", maxSplits: 1).first ?? "")
        guard let template = template(for: bare),
            let operation = paths[template]?[method.lowercased()] as? [String: Any]
        else {
            // A path or method the API does not serve is refused (401, 403, 404) in the error shape.
            guard status >= 400, let value = JSONValue.parse(body) else {
                return ["\(method) \(bare) is not in the document"]
            }
            return validate(value, against: ["$ref": "#/components/schemas/Error"], at: "\(method) \(bare) \(status) $")
        }
        let responses = operation["responses"] as? [String: Any] ?? [:]
        guard var response = (responses[String(status)] ?? responses["default"]) as? [String: Any] else {
            return ["\(method) \(template) answered \(status), which the document does not list"]
        }
        if let reference = response["$ref"] as? String, let resolved = resolve(reference) { response = resolved }
        guard let content = response["content"] as? [String: Any] else { return [] }
        guard let json = content["application/json"] as? [String: Any], let schema = json["schema"] else {
            return contentType?.hasPrefix("application/json") == true
                ? ["\(method) \(template) \(status): JSON not documented"] : []
        }
        guard let value = JSONValue.parse(body) else {
            return ["\(method) \(template) \(status): body is not JSON"]
        }
        return validate(value, against: schema, at: "\(method) \(template) \(status) $")
    }

    func resolve(_ reference: String) -> [String: Any]? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Any = root
        for part in reference.dropFirst(2).split(separator: "/") {
            guard let next = (node as? [String: Any])?[String(part)] else { return nil }
            node = next
        }
        return node as? [String: Any]
    }

    func validate(_ value: JSONValue, against schemaValue: Any, at location: String) -> [String] {
        guard var schema = schemaValue as? [String: Any] else { return ["\(location): schema is not a mapping"] }
        if let reference = schema["$ref"] as? String {
            guard let resolved = resolve(reference) else { return ["\(location): unresolved \(reference)"] }
            schema = resolved
        }
        var problems: [String] = []
        if let all = schema["allOf"] as? [Any] {
            for part in all { problems += validate(value, against: part, at: location) }
        }
        if let one = schema["oneOf"] as? [Any] {
            let matching = one.filter { validate(value, against: $0, at: location).isEmpty }.count
            if matching != 1 { problems.append("\(location): matches \(matching) of oneOf's \(one.count) schemas") }
        }
        if let typeValue = schema["type"] {
            let types = typeValue as? [String] ?? [typeValue as? String ?? ""]
            guard types.contains(where: value.isOfType) else {
                return problems + ["\(location): \(value) is not \(types.joined(separator: " or "))"]
            }
        }
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { value.equals(yaml: $0) }) {
            problems.append("\(location): \(value) is not one of \(allowed)")
        }
        switch value {
        case .string(let text):
            if let pattern = schema["pattern"] as? String, text.range(of: pattern, options: .regularExpression) == nil {
                problems.append("\(location): \"\(text)\" does not match \(pattern)")
            }
            if let minimum = schema["minLength"] as? Int, text.count < minimum {
                problems.append("\(location): shorter than \(minimum)")
            }
            if let maximum = schema["maxLength"] as? Int, text.count > maximum {
                problems.append("\(location): longer than \(maximum)")
            }
        case .integer, .number:
            let number = value.doubleValue ?? 0
            if let minimum = Self.double(schema["minimum"]), number < minimum {
                problems.append("\(location): \(number) < minimum \(minimum)")
            }
            if let maximum = Self.double(schema["maximum"]), number > maximum {
                problems.append("\(location): \(number) > maximum \(maximum)")
            }
        case .object(let object):
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(location): missing required \(key)")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[key] {
                    problems += validate(member, against: propertySchema, at: "\(location).\(key)")
                } else if let additional = schema["additionalProperties"] {
                    if additional as? Bool == false {
                        problems.append("\(location): unexpected property \(key)")
                    } else if additional is [String: Any] {
                        problems += validate(member, against: additional, at: "\(location).\(key)")
                    }
                }
            }
        case .array(let elements):
            if let items = schema["items"] {
                for (index, element) in elements.enumerated() {
                    problems += validate(element, against: items, at: "\(location)[\(index)]")
                }
            }
        case .null, .bool:
            break
        }
        return problems
    }

    static func double(_ value: Any?) -> Double? {
        if let int = value as? Int { return Double(int) }
        return value as? Double
    }
}

/// A JSON value with its JSON type kept exactly (JSONSerialization blurs booleans and numbers).
indirect enum JSONValue: Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    static func parse(_ data: Data) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: data) }

    func isOfType(_ type: String) -> Bool {
        switch (self, type) {
        case (.null, "null"), (.bool, "boolean"), (.integer, "integer"), (.integer, "number"), (.number, "number"),
            (.string, "string"), (.array, "array"), (.object, "object"):
            return true
        default:
            return false
        }
    }

    var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .number(let value): return value
        default: return nil
        }
    }

    /// Whether this equals an `enum` entry as Yams parsed it.
    func equals(yaml entry: Any) -> Bool {
        switch self {
        case .string(let text): return (entry as? String) == text
        case .integer(let value): return (entry as? Int).map { Int64($0) == value } ?? false
        case .bool(let value): return (entry as? Bool) == value
        default: return false
        }
    }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return "\(value)"
        case .integer(let value): return "\(value)"
        case .number(let value): return "\(value)"
        case .string(let value): return "\"\(value)\""
        case .array(let value): return "array(\(value.count))"
        case .object(let value): return "object(\(value.keys.sorted().joined(separator: ",")))"
        }
    }
}
