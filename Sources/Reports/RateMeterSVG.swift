/// A `-- meter:` cell: the rate's text beside a small inline SVG bar, 0 to 1 over 60 pixels.
/// The width comes from the text's digits (integer arithmetic); a cell that is not a rate from
/// 0 to 1 (empty, for a row without jobs) shows its text alone.
enum RateMeterSVG {
    static let width = 60

    static func cell(_ text: String?) -> String {
        guard let text, let thousandths = thousandths(text) else {
            return "<td class=\"num\">" + TextEscaping.html(text ?? "") + "</td>"
        }
        let filled = thousandths * width / 1_000
        return
            "<td class=\"num\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"10\" role=\"img\""
            + " aria-label=\"\(TextEscaping.html(text))\"><rect width=\"\(width)\" height=\"10\" fill=\"#e5e8ec\"/>"
            + "<rect width=\"\(filled)\" height=\"10\" fill=\"#3b6ea8\"/></svg> " + TextEscaping.html(text) + "</td>"
    }

    /// `0.9512` → 951 (rounded down), `1` → 1000; nil outside [0, 1] or not a decimal.
    static func thousandths(_ text: String) -> Int? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, whole == "0" || whole == "1" else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), parts.count == 1 || !fraction.isEmpty else {
            return nil
        }
        let digits = String((fraction + "000").prefix(3))
        let value = (whole == "1" ? 1_000 : 0) + Int(digits)!
        return value <= 1_000 ? value : nil
    }
}
