/// Draws a line chart as inline SVG: one polyline per series over the labels, a legend, the
/// scale's top and bottom, and the first, middle and last labels. No script, no external asset,
/// well-formed XML. Coordinates are integer arithmetic on micro-units (value × height ÷ largest,
/// in 128 bits), so the chart never goes through floating point.
enum LineChartSVG {
    static let width = 760
    static let height = 260
    static let left = 90
    static let right = 150
    static let top = 12
    static let bottom = 36
    static let palette = [
        "#3b6ea8", "#d9822b", "#2f9e44", "#c92a2a", "#7048e8", "#0c8599", "#e64980", "#5c940d", "#495057",
        "#f08c00", "#1864ab", "#862e9c",
    ]

    static var plotWidth: Int { width - left - right }
    static var plotHeight: Int { height - top - bottom }

    /// `id` must be unique in the page; it ties the SVG to its title for screen readers.
    static func render(_ data: LineChartData, valueColumn: ReportColumn, title: String, id: String) -> String {
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(width)\" height=\"\(height)\""
            + " viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"\(id)-title\">\n"
        svg += "<title id=\"\(id)-title\">\(TextEscaping.html(title))</title>\n"
        let largest = max(data.lines.flatMap(\.values).max() ?? 0, 0)
        guard !data.labels.isEmpty, !data.lines.isEmpty else {
            return svg + "<text x=\"0\" y=\"18\" font-size=\"12\" fill=\"#555\">no data</text>\n</svg>"
        }
        // Axes and the scale.
        let baseline = top + plotHeight
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(baseline)\" stroke=\"#999\"/>"
        svg +=
            "<line x1=\"\(left)\" y1=\"\(baseline)\" x2=\"\(left + plotWidth)\" y2=\"\(baseline)\" stroke=\"#999\"/>\n"
        let topText = ReportCell.integer(largest).text(for: valueColumn) ?? ""
        let zeroText = ReportCell.integer(0).text(for: valueColumn) ?? "0"
        svg +=
            "<text x=\"\(left - 6)\" y=\"\(top + 10)\" font-size=\"11\" text-anchor=\"end\">\(TextEscaping.html(topText))</text>"
        svg +=
            "<text x=\"\(left - 6)\" y=\"\(baseline)\" font-size=\"11\" text-anchor=\"end\">\(TextEscaping.html(zeroText))</text>\n"
        var shown = [0, data.labels.count / 2, data.labels.count - 1]
        shown = shown.enumerated().filter { index, value in shown.firstIndex(of: value) == index }.map(\.1)
        for index in shown {
            let anchor = index == 0 ? "start" : (index == data.labels.count - 1 ? "end" : "middle")
            svg +=
                "<text x=\"\(x(index, count: data.labels.count))\" y=\"\(baseline + 16)\" font-size=\"11\" text-anchor=\"\(anchor)\">"
                + TextEscaping.html(data.labels[index]) + "</text>"
        }
        svg += "\n"
        for (number, line) in data.lines.enumerated() {
            let colour = palette[number % palette.count]
            let points = line.values.enumerated().map { index, value in
                "\(x(index, count: data.labels.count)),\(y(value, largest: largest))"
            }.joined(separator: " ")
            let total = line.values.reduce(Int64(0)) { $0.addingReportingOverflow($1).partialValue }
            let totalText = ReportCell.integer(total).text(for: valueColumn) ?? ""
            if line.values.count == 1 {
                svg +=
                    "<circle cx=\"\(x(0, count: 1))\" cy=\"\(y(line.values[0], largest: largest))\" r=\"3\" fill=\"\(colour)\">"
                    + "<title>" + TextEscaping.html("\(line.name): \(totalText)") + "</title></circle>\n"
            } else {
                svg +=
                    "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\">"
                    + "<title>" + TextEscaping.html("\(line.name): \(totalText) in total") + "</title></polyline>\n"
            }
            let legendY = top + 4 + number * 18
            svg +=
                "<rect x=\"\(width - right + 12)\" y=\"\(legendY)\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
                + "<text x=\"\(width - right + 30)\" y=\"\(legendY + 10)\" font-size=\"11\">"
                + TextEscaping.html(BarChartSVG.shortened(line.name)) + "</text>\n"
        }
        return svg + "</svg>"
    }

    /// The x of label `index` of `count`, spread over the plot; one label sits in the middle.
    static func x(_ index: Int, count: Int) -> Int {
        count <= 1 ? left + plotWidth / 2 : left + index * plotWidth / (count - 1)
    }

    /// The y of `value`: the plot's bottom at 0 (and below), its top at `largest`.
    static func y(_ value: Int64, largest: Int64) -> Int {
        guard value > 0, largest > 0 else { return top + plotHeight }
        return top + plotHeight - Int(Int128(value) * Int128(plotHeight) / Int128(largest))
    }
}
