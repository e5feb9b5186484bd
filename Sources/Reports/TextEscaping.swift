import Basics

/// Escaping for the CSV and HTML outputs (JSON strings are `Basics.JSONString`), each byte-exact and allocation-free for the common
/// case of text that needs none.
public enum TextEscaping {
    /// Appends one CSV field per RFC 4180: quoted when it holds a comma, a double quote, CR or LF,
    /// with inner double quotes doubled.
    static func appendCSVField(_ text: String, to file: OutputFile) throws(ReportError) {
        var text = text
        let failure = text.withUTF8 { bytes -> ReportError? in
            do throws(ReportError) {
                var special = false
                for byte in bytes where byte == 0x2C || byte == 0x22 || byte == 0x0D || byte == 0x0A {
                    special = true
                    break
                }
                guard special else {
                    try file.append(UnsafeRawBufferPointer(bytes))
                    return nil
                }
                try file.append(byte: 0x22)
                for byte in bytes {
                    if byte == 0x22 { try file.append(byte: 0x22) }
                    try file.append(byte: byte)
                }
                try file.append(byte: 0x22)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// A CSV field as a string (for small in-memory use and tests).
    static func csvField(_ text: String) -> String {
        let needsQuotes = text.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
        guard needsQuotes else { return text }
        return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
    }

    /// Appends a JSON string literal (`JSONString`'s escaping) straight into the file's buffer.
    static func appendJSONString(_ text: String, to file: OutputFile) throws(ReportError) {
        guard !JSONString.needsEscaping(text) else {
            try file.append(JSONString.quoted(text))
            return
        }
        try file.append(byte: 0x22)
        try file.append(text)
        try file.append(byte: 0x22)
    }

    /// `& < > " '` as character references; tab, LF and CR kept, other controls dropped.
    static let htmlEscaper = ScalarEscaper(
        replacements: ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"],
        control: { $0 == "\t" || $0 == "\n" || $0 == "\r" ? nil : "" })

    /// Text for HTML and SVG content and attribute values: `& < > " '` as character references.
    /// Control characters other than tab, LF and CR are dropped: they are not allowed in XML.
    static func html(_ text: String) -> String {
        let needsEscape = text.utf8.contains {
            $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27
                || ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D)
        }
        guard needsEscape else { return text }
        var result = ""
        htmlEscaper.append(text, to: &result)
        return result
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
