/// A section's chart, declared in its SQL file's header:
///
///     -- chart: top 20 user_id by day_spend_micros     (the 20 largest, largest first)
///     -- chart: day by spend_micros                    (in row order, at most chartBarsMax bars)
///     -- chart: day by spend_micros per provider       (a line per provider over the days, in row order)
///
/// Bars are per label and currency. Rows with the same label are summed, so the rows must come
/// sorted by the label column first (consecutive rows with one label make one bar).
public struct ChartDirective: Sendable, Equatable {
    public let labelColumn: String
    public let valueColumn: String
    /// Keep only the largest N bars; nil keeps row order.
    public let top: Int?
    /// A line chart instead of bars: one line per value of this column, the labels along the
    /// x axis in row order (see `LineChartCollector`).
    public let series: String?

    public init(labelColumn: String, valueColumn: String, top: Int?, series: String? = nil) {
        precondition(series == nil || top == nil, "a line chart keeps every label")
        self.labelColumn = labelColumn
        self.valueColumn = valueColumn
        self.top = top
        self.series = series
    }

    /// Parses the text after `chart:`; nil when it does not follow the grammar above.
    init?(parsing text: String) {
        var words = text.split(separator: " ").map(String.init)
        var top: Int?
        if words.first == "top" {
            guard words.count >= 2, let count = Int(words[1]), (1...ReportLimits.chartTopMax).contains(count) else {
                return nil
            }
            top = count
            words.removeFirst(2)
        }
        if top == nil, words.count == 5, words[1] == "by", words[3] == "per" {
            self.init(labelColumn: words[0], valueColumn: words[2], top: nil, series: words[4])
            return
        }
        guard words.count == 3, words[1] == "by" else { return nil }
        self.init(labelColumn: words[0], valueColumn: words[2], top: top)
    }

    /// `top 20 user_id by day_spend_micros`, as written.
    public var description: String {
        (top.map { "top \($0) " } ?? "") + "\(labelColumn) by \(valueColumn)" + (series.map { " per \($0)" } ?? "")
    }
}
