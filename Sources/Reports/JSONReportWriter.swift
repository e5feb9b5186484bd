import Basics

/// Writes the whole report as one JSON document, incrementally: the head, then each section's
/// rows as they stream, then the section's totals. Keys come in a fixed order (the SQL's column
/// order), one row per line, so equal data gives equal bytes and diffs stay readable.
///
/// Money is a decimal string (`"0.800000"`), counts are JSON integers, NULL is `null`.
///
///     {
///       "report": "nightly",
///       "title": "…",
///       "parameters": {"date": "2026-01-15"},
///       "sections": [
///         {
///           "name": "user_summary", "title": "…", "columns": ["user_id", …],
///           "rows": [
///             {"user_id": "alice", "currency": "USD", "day_spend": "0.800000", …}
///           ],
///           "row_count": 1,
///           "totals": {"USD": {"day_spend": "0.800000", …}}
///         }
///       ]
///     }
struct JSONReportWriter {
    let file: OutputFile
    private var sectionsWritten = 0
    private var rowsInSection = 0
    private var keys: [String] = []
    private var columns: [ReportColumn] = []

    init(file: OutputFile, kind: ReportKind, title: String, parameters: [(name: String, value: String)])
        throws(ReportError)
    {
        self.file = file
        let parameterText = parameters.map { JSONString.quoted($0.name) + ": " + JSONString.quoted($0.value) }
            .joined(separator: ", ")
        try file.append(
            "{\n  \"report\": \(JSONString.quoted(kind.rawValue)),\n  \"title\": \(JSONString.quoted(title)),\n"
                + "  \"parameters\": {\(parameterText)},\n  \"sections\": [")
    }

    mutating func beginSection(_ section: SectionDefinition, columns: [ReportColumn]) throws(ReportError) {
        self.columns = columns
        keys = columns.map { JSONString.quoted($0.outputName) + ": " }
        rowsInSection = 0
        let columnList = columns.map { JSONString.quoted($0.outputName) }.joined(separator: ", ")
        try file.append(
            (sectionsWritten > 0 ? "," : "") + "\n    {\n      \"name\": \(JSONString.quoted(section.name)),\n"
                + "      \"title\": \(JSONString.quoted(section.title)),\n      \"columns\": [\(columnList)],\n      \"rows\": ["
        )
        sectionsWritten += 1
    }

    /// One row: `cells` for the JSON type, `texts` (the same values formatted) for the bytes.
    mutating func append(_ cells: [ReportCell], texts: [String?]) throws(ReportError) {
        try file.append(rowsInSection > 0 ? ",\n        {" : "\n        {")
        for index in cells.indices {
            if index > 0 {
                try file.append(byte: 0x2C)
                try file.append(byte: 0x20)
            }
            try file.append(keys[index])
            switch cells[index] {
            case .null:
                try file.append("null")
            case .integer where columns[index].isMoney:
                try file.append(byte: 0x22)
                try file.append(texts[index]!)
                try file.append(byte: 0x22)
            case .integer, .boolean:
                try file.append(texts[index]!)
            case .text(let text):
                try TextEscaping.appendJSONString(text, to: file)
            }
        }
        try file.append(byte: 0x7D)
        rowsInSection += 1
    }

    mutating func endSection(rowCount: Int, totals: SectionTotals) throws(ReportError) {
        var text = rowsInSection > 0 ? "\n      ],\n" : "],\n"
        text += "      \"row_count\": \(rowCount),\n      \"totals\": {"
        let currencies = totals.currencies
        for (position, currency) in currencies.enumerated() {
            let fields = totals.totals(currency: currency).map { column, value in
                JSONString.quoted(column.outputName) + ": " + Self.value(.integer(value), column: column)
            }
            text +=
                (position > 0 ? ", " : "") + JSONString.quoted(currency) + ": {" + fields.joined(separator: ", ") + "}"
        }
        text += "}\n    }"
        try file.append(text)
    }

    func finish() throws(ReportError) {
        try file.append(sectionsWritten > 0 ? "\n  ]\n}\n" : "]\n}\n")
    }

    static func value(_ cell: ReportCell, column: ReportColumn) -> String {
        switch cell {
        case .null: return "null"
        case .integer(let value): return column.isMoney ? "\"" + (cell.text(for: column) ?? "") + "\"" : String(value)
        case .text(let value): return JSONString.quoted(value)
        case .boolean(let value): return value ? "true" : "false"
        }
    }
}
