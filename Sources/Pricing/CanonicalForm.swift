import Crypto
import Yams

/// The canonical form of loaded price books, and its SHA-256: the `PriceBookVersion`.
///
/// Files are taken in name order; in each, mappings are ordered by key and every scalar is
/// length-prefixed, so comments, quoting style, indentation and key order do not change the
/// version, while any changed value, added entry or renamed file does.
enum CanonicalForm {
    static func version(of documents: [(name: String, root: Node)]) -> PriceBookVersion {
        var hasher = SHA256()
        for document in documents.sorted(by: { $0.name < $1.name }) {
            var bytes: [UInt8] = []
            appendText(document.name, tag: UInt8(ascii: "f"), to: &bytes)
            append(document.root, to: &bytes)
            hasher.update(data: bytes)
        }
        let hexDigits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in hasher.finalize() {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0f)])
        }
        return PriceBookVersion(hex: String(decoding: hex, as: UTF8.self))
    }

    private static func append(_ node: Node, to bytes: inout [UInt8]) {
        switch node {
        case .scalar(let scalar):
            appendText(scalar.string, tag: UInt8(ascii: "s"), to: &bytes)
        case .alias(let alias):
            appendText(alias.anchor.rawValue, tag: UInt8(ascii: "a"), to: &bytes)
        case .sequence(let sequence):
            appendCount(sequence.count, tag: UInt8(ascii: "["), to: &bytes)
            for item in sequence { append(item, to: &bytes) }
        case .mapping(let mapping):
            appendCount(mapping.count, tag: UInt8(ascii: "{"), to: &bytes)
            let pairs = mapping.map { key, value -> ([UInt8], Node) in
                var keyBytes: [UInt8] = []
                append(key, to: &keyBytes)
                return (keyBytes, value)
            }
            for (keyBytes, value) in pairs.sorted(by: { $0.0.lexicographicallyPrecedes($1.0) }) {
                bytes.append(contentsOf: keyBytes)
                append(value, to: &bytes)
            }
        }
    }

    private static func appendText(_ text: String, tag: UInt8, to bytes: inout [UInt8]) {
        appendCount(text.utf8.count, tag: tag, to: &bytes)
        bytes.append(contentsOf: text.utf8)
    }

    private static func appendCount(_ count: Int, tag: UInt8, to bytes: inout [UInt8]) {
        bytes.append(tag)
        bytes.append(contentsOf: String(count).utf8)
        bytes.append(UInt8(ascii: ":"))
    }
}
