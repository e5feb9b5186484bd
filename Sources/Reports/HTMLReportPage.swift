/// The HTML page, built while the rows stream and written once at the end, when the totals the
/// summary shows are known. It holds at most `ReportLimits.htmlRowsMax` rows per section and the
/// chart bars, so its size does not grow with the data; every row is in the CSV and JSON files.
/// The markup is in the templates of `reports/` (`HTMLTemplate.Kind`); this fills them with
/// escaped text, cells and the charts' SVG.
struct HTMLReportPage {
    let title: String
    let subtitle: String
    let templates: HTMLTemplates
    private var summaryRows: [String] = []
    private var charts: [String] = []
    private var sections: [String] = []
    // The section being streamed.
    private var columns: [ReportColumn] = []
    private var bodyRows: [String] = []
    /// The column drawn as a rate bar, if any.
    private var meterIndex: Int?

    init(title: String, subtitle: String, templates: HTMLTemplates) {
        self.title = title
        self.subtitle = subtitle
        self.templates = templates
    }

    mutating func beginSection(columns: [ReportColumn], meter: String? = nil) {
        self.columns = columns
        meterIndex = meter.flatMap { name in columns.firstIndex { $0.sourceName == name } }
        bodyRows = []
    }

    mutating func append(_ cells: [ReportCell], texts: [String?]) {
        guard bodyRows.count < ReportLimits.htmlRowsMax else { return }
        bodyRows.append(
            "<tr>"
                + cells.indices.map { index in
                    if index == meterIndex { return RateMeterSVG.cell(texts[index]) }
                    return Self.cell(texts[index], numeric: Self.isNumeric(cells[index]))
                }.joined() + "</tr>")
    }

    mutating func endSection(
        _ section: SectionDefinition, rowCount: Int, totals: SectionTotals, chart: (ChartAccumulator, [ChartSeries])?
    ) {
        let anchor = "section-" + section.name
        let title = TextEscaping.html(section.title)
        var notes = ""
        if rowCount > bodyRows.count {
            notes =
                Self.note(
                    "The first \(bodyRows.count) of \(Self.grouped(rowCount)) rows; every row is in the CSV and JSON files."
                ) + "\n"
        }
        var table = ""
        if rowCount == 0 {
            notes = Self.note("No rows.") + "\n"
        } else {
            table =
                templates[.table].render([
                    "header": columns.map { "<th>" + TextEscaping.html($0.outputName) + "</th>" }.joined(),
                    "rows": bodyRows.joined(separator: "\n"),
                    "footer": footer(totals),
                ]) + "\n"
        }
        sections.append(templates[.section].render(["anchor": anchor, "title": title, "notes": notes, "table": table]))

        for currency in totals.currencies {
            let figures = totals.totals(currency: currency).map { column, value in
                "<span class=\"figure\">" + TextEscaping.html(column.outputName) + " <b>"
                    + TextEscaping.html(ReportCell.integer(value).text(for: column) ?? "") + "</b></span>"
            }
            summaryRows.append(
                templates[.summaryRow].render([
                    "anchor": anchor, "title": title, "rows": Self.grouped(rowCount),
                    "currency": TextEscaping.html(currency),
                    "figures": figures.joined(separator: " "),
                ]))
        }
        if totals.currencies.isEmpty {
            summaryRows.append(templates[.summaryRow].render(["anchor": anchor, "title": title, "rows": "0"]))
        }

        if let (accumulator, _) = chart, accumulator.directive.series != nil {
            charts += LineChartFigures.render(accumulator, section: section)
        } else if let (accumulator, series) = chart {
            for (index, one) in series.enumerated() {
                let directive = accumulator.directive
                let caption =
                    "\(section.title): " + (directive.top.map { "top \($0) " } ?? "")
                    + "\(directive.labelColumn) by \(accumulator.valueColumn.outputName)"
                    + (one.currency == SectionTotals.noCurrency ? "" : ", \(one.currency)")
                let svg = BarChartSVG.render(
                    series: one, valueColumn: accumulator.valueColumn, title: caption,
                    id: "chart-\(section.name)-\(index)")
                let note = one.omitted > 0 ? "\n" + Self.note("\(Self.grouped(one.omitted)) more not shown.") : ""
                charts.append(
                    templates[.chart].render(["caption": TextEscaping.html(caption), "svg": svg, "note": note]))
            }
            if series.isEmpty {
                let svg = BarChartSVG.render(
                    series: ChartSeries(currency: "", bars: [], omitted: 0), valueColumn: accumulator.valueColumn,
                    title: section.title,
                    id: "chart-\(section.name)-0")
                charts.append(templates[.chart].render(["caption": title, "svg": svg]))
            }
        }
    }

    /// The `<tfoot>` of a section: one line of totals per currency; empty when there are none.
    private func footer(_ totals: SectionTotals) -> String {
        let lines = totals.currencies.map { currency -> String in
            let byColumn = Dictionary(
                totals.totals(currency: currency).map { ($0.column.sourceName, $0) }, uniquingKeysWith: { a, _ in a })
            return "<tr>"
                + columns.enumerated().map { index, column -> String in
                    if index == 0 {
                        return "<th>Total"
                            + (currency == SectionTotals.noCurrency ? "" : " " + TextEscaping.html(currency)) + "</th>"
                    }
                    guard let total = byColumn[column.sourceName] else { return "<td></td>" }
                    return Self.cell(ReportCell.integer(total.value).text(for: column), numeric: true)
                }.joined() + "</tr>"
        }
        return lines.isEmpty ? "" : "<tfoot>\n" + lines.joined(separator: "\n") + "\n</tfoot>\n"
    }

    func render() -> String {
        templates[.page].render([
            "title": TextEscaping.html(title),
            "subtitle": TextEscaping.html(subtitle),
            "summary": summaryRows.joined(separator: "\n"),
            "charts": charts.joined(separator: "\n"),
            "sections": sections.joined(separator: "\n"),
        ])
    }

    private static func note(_ text: String) -> String { "<p class=\"note\">" + TextEscaping.html(text) + "</p>" }

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
