/// Draws a horizontal bar chart as inline SVG: no script, no external asset, well-formed XML.
///
/// Bar lengths are integer arithmetic on micro-units (value × width ÷ largest value, in 128
/// bits), so the chart never goes through floating point either.
enum BarChartSVG {
    static let width = 760
    static let labelWidth = 220
    static let valueWidth = 120
    static let barHeight = 18
    static let barGap = 6
    static let labelCharactersMax = 30

    static var barAreaWidth: Int { width - labelWidth - valueWidth }

    /// `id` must be unique in the page; it ties the SVG to its title for screen readers.
    static func render(series: ChartSeries, valueColumn: ReportColumn, title: String, id: String) -> String {
        let height = max(1, series.bars.count) * (barHeight + barGap) + barGap
        let largest = series.bars.map(\.value).max() ?? 0
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(width)\" height=\"\(height)\""
            + " viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"\(id)-title\">\n"
        svg += "<title id=\"\(id)-title\">\(TextEscaping.html(title))</title>\n"
        if series.bars.isEmpty {
            svg += "<text x=\"0\" y=\"\(barHeight)\" font-size=\"12\" fill=\"#555\">no data</text>\n"
        }
        for (index, bar) in series.bars.enumerated() {
            let top = barGap + index * (barHeight + barGap)
            let textBaseline = top + barHeight - 5
            let length = barLength(bar.value, largest: largest)
            let valueText = ReportCell.integer(bar.value).text(for: valueColumn) ?? ""
            svg +=
                "<text x=\"\(labelWidth - 8)\" y=\"\(textBaseline)\" font-size=\"12\" text-anchor=\"end\">"
                + TextEscaping.html(shortened(bar.label)) + "</text>"
            svg +=
                "<rect x=\"\(labelWidth)\" y=\"\(top)\" width=\"\(length)\" height=\"\(barHeight)\" fill=\"#3b6ea8\">"
                + "<title>" + TextEscaping.html(bar.label + ": " + valueText) + "</title></rect>"
            svg +=
                "<text x=\"\(labelWidth + length + 6)\" y=\"\(textBaseline)\" font-size=\"12\">"
                + TextEscaping.html(valueText) + "</text>\n"
        }
        return svg + "</svg>"
    }

    /// value × barAreaWidth ÷ largest, rounded down; 0 for non-positive values.
    static func barLength(_ value: Int64, largest: Int64) -> Int {
        guard value > 0, largest > 0 else { return 0 }
        return Int(Int128(value) * Int128(barAreaWidth) / Int128(largest))
    }

    static func shortened(_ label: String) -> String {
        label.count <= labelCharactersMax ? label : String(label.prefix(labelCharactersMax - 1)) + "…"
    }
}
