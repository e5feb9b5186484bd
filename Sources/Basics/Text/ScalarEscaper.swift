/// Rewrites text scalar by scalar: the one loop behind the JSON and HTML escapers, which differ
/// only in their tables.
public struct ScalarEscaper: Sendable {
    /// Scalars written as another text (`"` → `\"` in JSON, `&` → `&amp;` in HTML).
    let replacements: [Unicode.Scalar: String]
    /// For a control character (below U+0020) not in `replacements`: what to write instead, ""
    /// to drop it, nil to keep it.
    let control: @Sendable (Unicode.Scalar) -> String?

    public init(replacements: [Unicode.Scalar: String], control: @escaping @Sendable (Unicode.Scalar) -> String?) {
        self.replacements = replacements
        self.control = control
    }

    /// Appends `text` to `output`, rewritten.
    public func append(_ text: String, to output: inout String) {
        for scalar in text.unicodeScalars {
            if let replacement = replacements[scalar] {
                output += replacement
            } else if scalar.value < 0x20, let replacement = control(scalar) {
                output += replacement
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
    }
}
