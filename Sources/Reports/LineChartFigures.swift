/// The figures of a section's line chart, one per currency, for the HTML page.
enum LineChartFigures {
    static func render(_ accumulator: ChartAccumulator, section: SectionDefinition) -> [String] {
        let directive = accumulator.directive
        let data = accumulator.lines.charts()
        let title =
            "\(section.title): \(accumulator.valueColumn.outputName) by \(directive.labelColumn), one line per \(directive.series ?? "")"
        guard !data.isEmpty else {
            let empty = LineChartData(currency: "", labels: [], lines: [], omittedLabels: 0, omittedSeries: 0)
            return [
                "<figure class=\"chart\">\n<figcaption>\(TextEscaping.html(title))</figcaption>\n"
                    + LineChartSVG.render(
                        empty, valueColumn: accumulator.valueColumn, title: title, id: "chart-\(section.name)-0")
                    + "\n</figure>"
            ]
        }
        return data.enumerated().map { index, chart in
            let caption = title + (chart.currency == SectionTotals.noCurrency ? "" : ", \(chart.currency)")
            var figure = "<figure class=\"chart\">\n<figcaption>\(TextEscaping.html(caption))</figcaption>\n"
            figure += LineChartSVG.render(
                chart, valueColumn: accumulator.valueColumn, title: caption, id: "chart-\(section.name)-\(index)")
            if chart.omittedLabels > 0 || chart.omittedSeries > 0 {
                figure +=
                    "\n<p class=\"note\">Not shown: \(chart.omittedLabels) more \(directive.labelColumn) values, "
                    + "\(chart.omittedSeries) more \(directive.series ?? "") values.</p>"
            }
            return figure + "\n</figure>"
        }
    }
}
