/// A section's chart, declared in its SQL file's header:
///
///     -- chart: top 20 user_id by day_spend_micros     (the 20 largest, largest first)
///     -- chart: day by spend_micros                    (in row order, at most chartBarsMax bars)
///
/// Bars are per label and currency. Rows with the same label are summed, so the rows must come
/// sorted by the label column first (consecutive rows with one label make one bar).
public struct ChartDirective: Sendable, Equatable {
    public let labelColumn: String
    public let valueColumn: String
    /// Keep only the largest N bars; nil keeps row order.
    public let top: Int?

    public init(labelColumn: String, valueColumn: String, top: Int?) {
        self.labelColumn = labelColumn
        self.valueColumn = valueColumn
        self.top = top
    }

    /// Parses the text after `chart:`; nil when it does not follow the grammar above.
    init?(parsing text: String) {
        var words = text.split(separator: " ").map(String.init)
        var top: Int?
        if words.first == "top" {
            guard words.count >= 2, let count = Int(words[1]), (1...ReportLimits.chartTopMax).contains(count) else { return nil }
            top = count
            words.removeFirst(2)
        }
        guard words.count == 3, words[1] == "by" else { return nil }
        self.init(labelColumn: words[0], valueColumn: words[2], top: top)
    }

    /// `top 20 user_id by day_spend_micros`, as written.
    public var description: String {
        (top.map { "top \($0) " } ?? "") + "\(labelColumn) by \(valueColumn)"
    }
}
