/// The one JSON string escaper: request bodies, the simulator's answers, report files and the
/// API's hand-written JSON all quote text through it, so they agree byte for byte.
///
/// `"`, `\` and control characters below U+0020 are escaped (`\n`, `\r`, `\t` by name, the
/// others as `\u00XX`); every other character, non-ASCII included, is kept as UTF-8.
public enum JSONString {
    /// `text` as a JSON string literal, quotes included.
    public static func quoted(_ text: String) -> String {
        var output = ""
        append(text, to: &output)
        return output
    }

    /// Appends `text` as a JSON string literal. Text that needs no escape (the common case) is
    /// appended in one piece.
    public static func append(_ text: String, to output: inout String) {
        output += "\""
        if needsEscaping(text) {
            escaper.append(text, to: &output)
        } else {
            output += text
        }
        output += "\""
    }

    /// True when `text` holds a byte that must be escaped inside a JSON string.
    public static func needsEscaping(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
    }

    /// `"`, `\` and the named control characters by name, the other controls as `\u00XX`.
    private static let escaper = ScalarEscaper(
        replacements: ["\"": "\\\"", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"],
        control: { scalar in
            let hex = String(scalar.value, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        })
}
