/// The HTML page, built while the rows stream and written once at the end, when the totals the
/// summary shows are known. It holds at most `ReportLimits.htmlRowsMax` rows per section and the
/// chart bars, so its size does not grow with the data; every row is in the CSV and JSON files.
struct HTMLReportPage {
    let title: String
    let subtitle: String
    private var summaryRows: [String] = []
    private var charts: [String] = []
    private var sections: [String] = []
    // The section being streamed.
    private var columns: [ReportColumn] = []
    private var bodyRows: [String] = []
    /// The column drawn as a rate bar, if any.
    private var meterIndex: Int?

    init(title: String, subtitle: String) {
        self.title = title
        self.subtitle = subtitle
    }

    mutating func beginSection(columns: [ReportColumn], meter: String? = nil) {
        self.columns = columns
        meterIndex = meter.flatMap { name in columns.firstIndex { $0.sourceName == name } }
        bodyRows = []
    }

    mutating func append(_ cells: [ReportCell], texts: [String?]) {
        guard bodyRows.count < ReportLimits.htmlRowsMax else { return }
        bodyRows.append("<tr>" + cells.indices.map { index in
            if index == meterIndex { return RateMeterSVG.cell(texts[index]) }
            return Self.cell(texts[index], numeric: Self.isNumeric(cells[index]))
        }.joined() + "</tr>")
    }

    mutating func endSection(_ section: SectionDefinition, rowCount: Int, totals: SectionTotals, chart: (ChartAccumulator, [ChartSeries])?) {
        let anchor = "section-" + section.name
        var html = "<section id=\"\(anchor)\">\n<h2>\(TextEscaping.html(section.title))</h2>\n"
        if rowCount > bodyRows.count {
            html += "<p class=\"note\">The first \(bodyRows.count) of \(Self.grouped(rowCount)) rows; "
                + "every row is in the CSV and JSON files.</p>\n"
        }
        if rowCount == 0 {
            html += "<p class=\"note\">No rows.</p>\n"
        } else {
            html += "<table>\n<thead><tr>" + columns.map { "<th>" + TextEscaping.html($0.outputName) + "</th>" }.joined()
                + "</tr></thead>\n<tbody>\n" + bodyRows.joined(separator: "\n") + "\n</tbody>\n"
            let footer = totals.currencies.map { currency -> String in
                let byColumn = Dictionary(totals.totals(currency: currency).map { ($0.column.sourceName, $0) }, uniquingKeysWith: { a, _ in a })
                return "<tr>" + columns.enumerated().map { index, column -> String in
                    if index == 0 { return "<th>Total" + (currency == SectionTotals.noCurrency ? "" : " " + TextEscaping.html(currency)) + "</th>" }
                    guard let total = byColumn[column.sourceName] else { return "<td></td>" }
                    return Self.cell(ReportCell.integer(total.value).text(for: column), numeric: true)
                }.joined() + "</tr>"
            }
            if !footer.isEmpty { html += "<tfoot>\n" + footer.joined(separator: "\n") + "\n</tfoot>\n" }
            html += "</table>\n"
        }
        sections.append(html + "</section>")

        for currency in totals.currencies {
            let figures = totals.totals(currency: currency).map { column, value in
                "<span class=\"figure\">" + TextEscaping.html(column.outputName) + " <b>"
                    + TextEscaping.html(ReportCell.integer(value).text(for: column) ?? "") + "</b></span>"
            }
            summaryRows.append("<tr><td><a href=\"#\(anchor)\">\(TextEscaping.html(section.title))</a></td>"
                + "<td class=\"num\">\(Self.grouped(rowCount))</td><td>\(TextEscaping.html(currency))</td><td>"
                + figures.joined(separator: " ") + "</td></tr>")
        }
        if totals.currencies.isEmpty {
            summaryRows.append("<tr><td><a href=\"#\(anchor)\">\(TextEscaping.html(section.title))</a></td>"
                + "<td class=\"num\">0</td><td></td><td></td></tr>")
        }

        if let (accumulator, _) = chart, accumulator.directive.series != nil {
            charts += LineChartFigures.render(accumulator, section: section)
        } else if let (accumulator, series) = chart {
            for (index, one) in series.enumerated() {
                let directive = accumulator.directive
                let caption = "\(section.title): " + (directive.top.map { "top \($0) " } ?? "")
                    + "\(directive.labelColumn) by \(accumulator.valueColumn.outputName)"
                    + (one.currency == SectionTotals.noCurrency ? "" : ", \(one.currency)")
                var figure = "<figure class=\"chart\">\n<figcaption>\(TextEscaping.html(caption))</figcaption>\n"
                figure += BarChartSVG.render(series: one, valueColumn: accumulator.valueColumn, title: caption,
                                             id: "chart-\(section.name)-\(index)")
                if one.omitted > 0 { figure += "\n<p class=\"note\">\(Self.grouped(one.omitted)) more not shown.</p>" }
                charts.append(figure + "\n</figure>")
            }
            if series.isEmpty {
                charts.append("<figure class=\"chart\">\n<figcaption>\(TextEscaping.html(section.title))</figcaption>\n"
                    + BarChartSVG.render(series: ChartSeries(currency: "", bars: [], omitted: 0), valueColumn: accumulator.valueColumn,
                                         title: section.title, id: "chart-\(section.name)-0")
                    + "\n</figure>")
            }
        }
    }

    func render(template: String) throws(ReportError) -> String {
        let summary = "<table class=\"summary\">\n<thead><tr><th>Section</th><th>Rows</th><th>Currency</th><th>Totals</th></tr></thead>\n"
            + "<tbody>\n" + summaryRows.joined(separator: "\n") + "\n</tbody>\n</table>"
        return try HTMLTemplate.render(template, values: [
            "title": TextEscaping.html(title),
            "subtitle": TextEscaping.html(subtitle),
            "summary": summary,
            "charts": charts.joined(separator: "\n"),
            "sections": sections.joined(separator: "\n"),
        ])
    }

    private static func cell(_ text: String?, numeric: Bool) -> String {
        (numeric ? "<td class=\"num\">" : "<td>") + TextEscaping.html(text ?? "") + "</td>"
    }

    private static func isNumeric(_ cell: ReportCell) -> Bool {
        if case .integer = cell { return true }
        return false
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }
}
