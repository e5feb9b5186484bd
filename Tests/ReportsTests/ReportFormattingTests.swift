import Basics
import Foundation
import Testing

@testable import Reports

/// The pure pieces: dates, formats, escaping, charts, templates. No database.
@Suite struct ReportFormattingTests {
    @Test func calendarDatesParseStrictly() {
        #expect(CalendarDay(iso: "2024-02-29")?.description == "2024-02-29")
        for bad in [
            "2025-02-29", "2025-13-01", "2025-00-10", "2025-1-01", "25-01-01", "2025/01/01", "2025-01-01T00", "",
            "１９７０-01-01",
            "1969-12-31",
        ] {
            #expect(CalendarDay(iso: bad) == nil, "\(bad)")
        }
        let day = CalendarDay(iso: "2025-03-01")!
        #expect(day.adding(days: -1)?.description == "2025-02-28")
        #expect(CalendarDay(iso: "2024-12-31")!.adding(days: 1)?.description == "2025-01-01")
        #expect(CalendarDay(iso: "1970-01-01")!.daysSinceEpoch == 0)
        #expect(day.daysSinceEpoch == 20148)
        #expect(CalendarDay(iso: "2025-03-31")!.firstOfMonth == day)
        #expect(CalendarDay.today() > day)
    }

    @Test func formatListsParse() throws {
        #expect(try ReportFormat.parseList("csv,json,html") == [.csv, .json, .html])
        #expect(try ReportFormat.parseList(" HTML , csv,csv") == [.csv, .html])
        #expect(throws: ReportError.unknownFormat("xml")) { try ReportFormat.parseList("csv,xml") }
        #expect(throws: ReportError.noFormats) { try ReportFormat.parseList(" , ") }
    }

    @Test func csvFieldsFollowRFC4180() {
        #expect(TextEscaping.csvField("plain") == "plain")
        #expect(TextEscaping.csvField("a,b") == "\"a,b\"")
        #expect(TextEscaping.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(TextEscaping.csvField("two\r\nlines") == "\"two\r\nlines\"")
        #expect(TextEscaping.csvField("") == "")
        #expect(TextEscaping.csvField(" padded ") == " padded ")
    }

    @Test func jsonStringsEscape() throws {
        let awkward = "q\"b\\s\n\t\u{1}é✓"
        let literal = JSONString.quoted(awkward)
        #expect(literal == "\"q\\\"b\\\\s\\n\\t\\u0001é✓\"")
        let decoded = try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed) as? String
        #expect(decoded == awkward)
    }

    @Test func htmlEscapes() {
        #expect(TextEscaping.html("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;")
        #expect(TextEscaping.html("bell\u{7}") == "bell")
        #expect(TextEscaping.html("plain") == "plain")
    }

    @Test func moneyColumnsAreNamedAndFormatted() {
        let money = ReportColumn(sourceName: "day_spend_micros")
        #expect(money.isMoney && money.outputName == "day_spend")
        #expect(ReportCell.integer(800_000).text(for: money) == "0.800000")
        #expect(ReportCell.integer(-1).text(for: money) == "-0.000001")
        let count = ReportColumn(sourceName: "jobs")
        #expect(!count.isMoney && ReportCell.integer(800_000).text(for: count) == "800000")
        #expect(!ReportColumn(sourceName: "_micros").isMoney)
        #expect(JSONReportWriter.value(.integer(1_500_000), column: money) == "\"1.500000\"")
        #expect(JSONReportWriter.value(.null, column: money) == "null")
    }

    @Test func chartDirectivesParse() {
        #expect(
            ChartDirective(parsing: "top 20 user_id by day_spend_micros")
                == ChartDirective(labelColumn: "user_id", valueColumn: "day_spend_micros", top: 20))
        #expect(
            ChartDirective(parsing: "day by spend_micros")
                == ChartDirective(labelColumn: "day", valueColumn: "spend_micros", top: nil))
        for bad in ["top 0 a by b", "top 101 a by b", "top x a by b", "a b", "a by", "a by b c"] {
            #expect(ChartDirective(parsing: bad) == nil, "\(bad)")
        }
    }

    /// Runs of one label are summed, the top N kept largest first with ties by label, and
    /// zero bars dropped, in bounded memory.
    @Test func chartsKeepTheTopBars() throws {
        let columns = ["user_id", "currency", "spend_micros"].map { ReportColumn(sourceName: $0) }
        var chart = try ChartAccumulator(
            directive: ChartDirective(labelColumn: "user_id", valueColumn: "spend_micros", top: 2),
            section: "s", columns: columns, file: "f")
        let rows: [(String, String, Int64)] = [
            ("a", "USD", 5), ("a", "USD", 5), ("a", "XNO", 100), ("b", "USD", 10), ("c", "USD", 11),
            ("d", "USD", 0), ("e", "USD", 10),
        ]
        for (user, currency, value) in rows { try chart.add([.text(user), .text(currency), .integer(value)]) }
        let series = chart.finish()
        #expect(series.map(\.currency) == ["USD", "XNO"])
        #expect(series[0].bars == [ChartBar(label: "c", value: 11), ChartBar(label: "a", value: 10)])
        #expect(series[0].omitted == 2)  // b and e (d has no spend)
        #expect(series[1].bars == [ChartBar(label: "a", value: 100)])
    }

    @Test func barLengthsAreIntegerArithmetic() {
        let width = BarChartSVG.barAreaWidth
        #expect(BarChartSVG.barLength(50, largest: 100) == width / 2)
        #expect(BarChartSVG.barLength(Int64.max, largest: Int64.max) == width)
        #expect(BarChartSVG.barLength(0, largest: 100) == 0)
        #expect(BarChartSVG.barLength(-5, largest: 100) == 0)
        let svg = BarChartSVG.render(
            series: ChartSeries(currency: "USD", bars: [ChartBar(label: "<x&y>", value: 1_000_000)], omitted: 0),
            valueColumn: ReportColumn(sourceName: "spend_micros"), title: "T", id: "c")
        #expect(svg.contains("&lt;x&amp;y&gt;") && svg.contains("1.000000") && !svg.contains("<x&y>"))
    }

    @Test func templatesSubstituteKnownPlaceholdersOnly() throws {
        let page = try HTMLTemplate("<p>{{title}}|{{ subtitle }}</p>", kind: .page, file: "t")
        #expect(page.render(["title": "A", "subtitle": "B"]) == "<p>A|B</p>")
        #expect(throws: ReportError.self) { try HTMLTemplate("{{unknown}}", kind: .page, file: "t") }
        #expect(throws: ReportError.self) { try HTMLTemplate("{{title", kind: .page, file: "t") }
        // Each file has its own placeholders, and a fragment loses the final newline editors add.
        #expect(throws: ReportError.self) { try HTMLTemplate("{{title}}", kind: .chart, file: "t") }
        #expect(
            try HTMLTemplate("<b>{{caption}}</b>\n", kind: .chart, file: "t").render(["caption": "C"]) == "<b>C</b>")
    }

    @Test func theShippedDefinitionsLoad() throws {
        let nightly = try ReportDefinitions.load(directory: ReportTestSupport.reportsDirectory, kind: .nightly)
        #expect(
            nightly.sections.map(\.name) == [
                "user_summary", "user_spend", "spend_by_provider", "daily_spend_by_provider",
                "holds_outstanding", "quote_accuracy", "savings", "savings_by_user", "provider_drift",
                "live_quote_drift", "held_money", "held_resolutions", "shortfalls", "provider_scorecards",
            ])
        #expect(nightly.controlTotalsSQL != nil)
        #expect(nightly.sections[0].chart?.top == 20)
        let spend = try ReportDefinitions.load(directory: ReportTestSupport.reportsDirectory, kind: .spend)
        #expect(
            spend.sections.map(\.name) == [
                "spend_by_day", "spend_by_provider", "holds_outstanding", "quote_accuracy", "savings",
            ])
        #expect(nightly.checksum.count == 64 && nightly.checksum != spend.checksum)
    }

    /// Bytes arrive intact whatever their size against the buffer, the checksum does not depend
    /// on how they were chunked, and nothing is visible under the final name before publishing.
    @Test func outputFilesBufferHashAndPublish() throws {
        let directory = ReportTestSupport.temporaryDirectory("output-file")
        let big = String(repeating: "0123456789abcdef", count: ReportLimits.fileBufferBytes / 16 * 3 + 5)
        let first = try OutputFile(directory: directory, name: "a.txt")
        try first.append("x")
        try first.append(big)
        for byte in "tail".utf8 { try first.append(byte: byte) }
        let (bytes, sha) = try first.finish()
        #expect(!FileManager.default.fileExists(atPath: directory + "/a.txt"))
        try first.publish()
        #expect(bytes == 1 + big.utf8.count + 4)
        #expect(try ReportTestSupport.text(directory + "/a.txt") == "x" + big + "tail")

        let second = try OutputFile(directory: directory, name: "b.txt")
        for character in ("x" + big + "tail").utf8 { try second.append(byte: character) }
        #expect(try second.finish().sha256 == sha)
        #expect(sha.count == 64)
        try second.publish()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["a.txt", "b.txt"])

        // An abandoned file leaves nothing behind.
        do {
            let abandoned = try OutputFile(directory: directory, name: "c.txt")
            try abandoned.append("partial")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["a.txt", "b.txt"])
    }
}
