import Basics
import Postgres

/// Writes a run's row in `report_runs` (migration 0004): inserted as 'running' before any file
/// is written, finished as 'succeeded' with row counts, totals and file checksums, or as 'failed'
/// with the error. Each statement commits on its own, outside the report's read transaction.
enum ReportRunRecord {
    static func start(
        _ session: PostgresSession, plan: ReportPlan, definitions: ReportDefinitions,
        outputDirectory: String
    ) throws(PostgresError) -> Int64 {
        let formats = plan.formats.sorted().map { JSONString.quoted($0.rawValue) }.joined(separator: ", ")
        let named = plan.parameters.map { JSONString.quoted($0.name) + ": " + JSONString.quoted($0.value) }
        let parameters =
            "{"
            + (named + [
                "\"formats\": [\(formats)]",
                "\"output_directory\": " + JSONString.quoted(outputDirectory),
                "\"definitions_directory\": " + JSONString.quoted(definitions.directory),
                "\"definitions_sha256\": " + JSONString.quoted(definitions.checksum),
            ]).joined(separator: ", ") + "}"
        let rows = try session.query(
            """
            INSERT INTO report_runs (kind, report_date, user_id, range_from, range_to, parameters)
            VALUES ($1, $2::date, $3, $4::date, $5::date, $6::jsonb)
            RETURNING id
            """,
            [
                plan.kind.rawValue, plan.reportDate?.description, plan.userID, plan.range?.from.description,
                plan.range?.to.description, parameters,
            ])
        return try rows[0].decode(0)
    }

    static func succeed(
        _ session: PostgresSession, runID: Int64, sections: [ReportSectionResult],
        files: [ReportFileRecord]
    ) throws(PostgresError) {
        let rowCounts =
            "{" + sections.map { JSONString.quoted($0.name) + ": \($0.rowCount)" }.joined(separator: ", ") + "}"
        let totals =
            "{"
            + sections.map { section in
                let currencies = section.totals.reduce(into: [String]()) {
                    if !$0.contains($1.currency) { $0.append($1.currency) }
                }
                let byCurrency = currencies.map { currency in
                    let fields = section.totals.filter { $0.currency == currency }.map { total in
                        let column = ReportColumn(sourceName: total.column)
                        return JSONString.quoted(column.outputName) + ": "
                            + JSONReportWriter.value(.integer(total.value), column: column)
                    }
                    return JSONString.quoted(currency) + ": {" + fields.joined(separator: ", ") + "}"
                }
                return JSONString.quoted(section.name) + ": {" + byCurrency.joined(separator: ", ") + "}"
            }.joined(separator: ", ") + "}"
        let fileList =
            "["
            + files.map { file in
                "{\"name\": \(JSONString.quoted(file.name)), \"bytes\": \(file.bytes), \"sha256\": \(JSONString.quoted(file.sha256))}"
            }.joined(separator: ", ") + "]"
        try session.execute(
            """
            UPDATE report_runs
            SET status = 'succeeded', row_counts = $2::jsonb, totals = $3::jsonb, files = $4::jsonb, finished_at = now()
            WHERE id = $1 AND status = 'running'
            """,
            [runID, rowCounts, totals, fileList])
    }

    static func fail(_ session: PostgresSession, runID: Int64, error: ReportError) throws(PostgresError) {
        try session.execute(
            "UPDATE report_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status = 'running'",
            [runID, String(error.description.prefix(4_000))])
    }
}
