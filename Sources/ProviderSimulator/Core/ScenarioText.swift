/// The `key=value key=value` syntax shared by job prompts (after `sim:`) and the control
/// endpoint. Keys are lowercase; values have no spaces.
enum ScenarioText {
    static let marker = "sim:"
    static let pairsMax = 64

    /// The pairs after `sim:` in a prompt; empty when the prompt has no marker.
    static func pairs(inPrompt prompt: String) -> [(key: String, value: String)] {
        guard let range = prompt.range(of: marker) else { return [] }
        return pairs(String(prompt[range.upperBound...]))
    }

    static func pairs(_ text: String) -> [(key: String, value: String)] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "," })
            .prefix(pairsMax)
            .compactMap { token in
                let parts = token.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { return nil }
                return (String(parts[0]).lowercased(), String(parts[1]))
            }
    }
}
