/// Text from outside (a request, a price book) quoted back in an error message: cut to 32
/// characters and with control characters shown as `?`, so an echo can neither flood a log nor
/// forge its lines.
public enum Echo {
    public static let charactersMax = 32

    public static func short(_ text: String) -> String {
        let shown = text.unicodeScalars.prefix(charactersMax).map {
            $0.properties.generalCategory == .control ? "?" : Character($0)
        }
        return String(shown) + (text.unicodeScalars.count > charactersMax ? "…" : "")
    }
}
