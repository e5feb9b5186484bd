import Foundation

/// A Swift value sent as a statement parameter. Parameters always travel separately from the
/// SQL text (never interpolated into it), in PostgreSQL's text format, which is exact for every
/// type used here (bigint money included).
public protocol PostgresEncodable: Sendable {
    /// The value in PostgreSQL's text input format.
    var postgresText: String { get }
}

extension Int64: PostgresEncodable { public var postgresText: String { String(self) } }
extension Int32: PostgresEncodable { public var postgresText: String { String(self) } }
extension Int: PostgresEncodable { public var postgresText: String { String(self) } }
extension String: PostgresEncodable { public var postgresText: String { self } }
extension Bool: PostgresEncodable { public var postgresText: String { self ? "true" : "false" } }
extension UUID: PostgresEncodable { public var postgresText: String { uuidString.lowercased() } }

extension Date: PostgresEncodable {
    /// ISO 8601 in UTC with microseconds, which `timestamptz` reads exactly.
    public var postgresText: String { PostgresTimestamp(self).postgresText }
}

extension Array: PostgresEncodable where Element: PostgresEncodable {
    /// A one-dimensional array literal (`{"a","b"}`), for `unnest($1::text[])` batch writes.
    public var postgresText: String {
        var literal = "{"
        for (index, element) in enumerated() {
            if index > 0 { literal += "," }
            literal += "\""
            for character in element.postgresText {
                if character == "\"" || character == "\\" { literal += "\\" }
                literal.append(character)
            }
            literal += "\""
        }
        return literal + "}"
    }
}

/// A one-dimensional array whose elements may be NULL: `{"a",NULL}`.
public struct PostgresArrayWithNulls: PostgresEncodable {
    public let elements: [String?]

    public init(_ elements: [String?]) {
        self.elements = elements
    }

    public var postgresText: String {
        let quoted = elements.map { element -> String in
            guard let element else { return "NULL" }
            return [element].postgresText.dropFirst().dropLast().description
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }
}

/// SQL NULL as a parameter.
public struct PostgresNull: PostgresEncodable {
    public init() {}
    public var postgresText: String {
        preconditionFailure("PostgresNull is sent as a NULL pointer, never as text")
    }
}
