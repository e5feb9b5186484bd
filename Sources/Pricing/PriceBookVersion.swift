/// The content hash of a loaded set of price books: SHA-256 (hex) over their canonical form.
///
/// Every offer and every job stores the version it was priced on, so a price can be explained
/// after the books change. The canonical form ignores comments, layout and key order, so
/// reformatting a book keeps its version; changing any value gives a new one.
public struct PriceBookVersion: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 64 lowercase hex digits.
    public let hex: String

    public init(hex: String) {
        precondition(hex.count == 64 && hex.allSatisfy(\.isHexDigit), "a price-book version is 64 hex digits")
        self.hex = hex
    }

    /// The first 12 digits, for tables.
    public var short: String { String(hex.prefix(12)) }

    public var description: String { hex }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard text.count == 64, text.allSatisfy(\.isHexDigit) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "not a 64-digit hex price-book version"))
        }
        hex = text.lowercased()
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
