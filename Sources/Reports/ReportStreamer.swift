import Postgres

/// Streams every section of a report from PostgreSQL into its files, inside the caller's
/// read-only, repeatable-read transaction, so all sections and the control totals see one
/// snapshot of the ledger.
///
/// Rows arrive one at a time (libpq single-row mode, not a cursor: PostgreSQL runs cursor
/// queries without parallel workers, which made the report's aggregates up to twice as slow as
/// the same SQL run plainly). Each row is decoded once and handed to every writer as it arrives;
/// nothing keeps rows except the HTML page's first `htmlRowsMax` per section. Files stay under their
/// temporary names until the caller publishes them.
struct ReportStreamer {
    let plan: ReportPlan
    let definitions: ReportDefinitions
    let outputDirectory: String
    let progress: (any ReportProgress)?

    struct Result {
        /// Finished (hashed, fsynced) but not yet published, in the order written.
        let files: [OutputFile]
        let sections: [ReportSectionResult]
        let totals: [SectionTotals]
    }

    func stream(_ session: PostgresSession) throws(ReportError) -> Result {
        do {
            return try streamUnwrapped(session)
        } catch {
            throw ReportError.wrap(error)
        }
    }

    private func streamUnwrapped(_ session: PostgresSession) throws -> Result {
        let parameters: [(any PostgresEncodable)?] = plan.sqlParameters
        let formats = plan.formats
        var files: [OutputFile] = []
        var json: JSONReportWriter?
        if formats.contains(.json) {
            let file = try OutputFile(directory: outputDirectory, name: plan.fileStem + ".json")
            json = try JSONReportWriter(file: file, kind: plan.kind, title: plan.title, parameters: plan.parameters)
        }
        var page =
            formats.contains(.html)
            ? HTMLReportPage(title: plan.title, subtitle: plan.subtitle, templates: definitions.templates) : nil
        var allTotals: [SectionTotals] = []
        var results: [ReportSectionResult] = []
        progress?.started(sections: definitions.sections.map(\.name))

        for (index, section) in definitions.sections.enumerated() {
            let columns = try describe(section, session: session, parameters: parameters)
            var totals = try SectionTotals(section: section.name, columns: columns)
            var chart: ChartAccumulator?
            if let directive = section.chart, page != nil {
                chart = try ChartAccumulator(
                    directive: directive, section: section.name, columns: columns, file: section.file)
            }
            var csv: CSVSectionWriter?
            if formats.contains(.csv) {
                let file = try OutputFile(directory: outputDirectory, name: "\(plan.fileStem)-\(section.name).csv")
                files.append(file)
                csv = try CSVSectionWriter(file: file, columns: columns)
            }
            try json?.beginSection(section, columns: columns)
            if let meter = section.meter, !columns.contains(where: { $0.sourceName == meter && !$0.isMoney }) {
                throw ReportError.definitionInvalid(
                    file: section.file, reason: "meter column \(meter) is not a column of the query")
            }
            page?.beginSection(columns: columns, meter: section.meter)

            // Each value is decoded and formatted once per row, then shared by every writer.
            var cells = [ReportCell](repeating: .null, count: columns.count)
            var texts = [String?](repeating: nil, count: columns.count)
            var rows = 0
            try session.forEachRowSingleRowMode(section.sql, parameters) { row in
                for column in cells.indices {
                    let cell = try row.decodeIfPresent(column, as: ReportCell.self) ?? .null
                    cells[column] = cell
                    texts[column] = cell.text(for: columns[column])
                }
                try totals.add(cells)
                try csv?.append(texts)
                try json?.append(cells, texts: texts)
                page?.append(cells, texts: texts)
                try chart?.add(cells)
                rows += 1
                if rows % ReportLimits.progressEveryRows == 0 { progress?.rowsStreamed(section: index, rows: rows) }
            }

            try json?.endSection(rowCount: rows, totals: totals)
            if var accumulator = chart {
                let series = accumulator.finish()
                page?.endSection(section, rowCount: rows, totals: totals, chart: (accumulator, series))
            } else {
                page?.endSection(section, rowCount: rows, totals: totals, chart: nil)
            }
            allTotals.append(totals)
            results.append(Self.result(section, rows: rows, totals: totals))
            progress?.rowsStreamed(section: index, rows: rows)
            progress?.sectionFinished(section: index, rows: rows)
        }

        if let controlSQL = definitions.controlTotalsSQL {
            try ControlTotals.verify(
                try session.query(controlSQL, parameters), against: allTotals,
                file: definitions.directory + "/" + plan.kind.rawValue + "/" + ReportDefinitions.controlTotalsFileName)
        }

        if formats.contains(.csv) {
            let file = try OutputFile(directory: outputDirectory, name: plan.fileStem + "-totals.csv")
            files.append(file)
            try Self.writeTotalsCSV(file, results: results)
        }
        if let json {
            try json.finish()
            files.append(json.file)
        }
        if let page {
            let file = try OutputFile(directory: outputDirectory, name: plan.fileStem + ".html")
            try file.append(page.render())
            files.append(file)
        }
        for file in files { _ = try file.finish() }
        return Result(files: files, sections: results, totals: allTotals)
    }

    /// The section's columns, from a zero-row run of its query (so an empty section still gets
    /// its CSV header and JSON column list).
    private func describe(
        _ section: SectionDefinition, session: PostgresSession,
        parameters: [(any PostgresEncodable)?]
    ) throws -> [ReportColumn] {
        let probe = try session.query("SELECT * FROM (\n" + section.sql + "\n) AS report_section LIMIT 0", parameters)
        let columns = (0..<probe.columnCount).map { ReportColumn(sourceName: probe.columnName($0)) }
        var seen = Set<String>()
        for column in columns where !seen.insert(column.outputName).inserted {
            throw ReportError.definitionInvalid(
                file: section.file, reason: "two columns are output as \(column.outputName)")
        }
        return columns
    }

    static func result(_ section: SectionDefinition, rows: Int, totals: SectionTotals) -> ReportSectionResult {
        let flat = totals.currencies.flatMap { currency in
            totals.totals(currency: currency).map { column, value in
                ReportTotal(currency: currency, column: column.sourceName, value: value, isMoney: column.isMoney)
            }
        }
        return ReportSectionResult(name: section.name, title: section.title, rowCount: rows, totals: flat)
    }

    /// `<stem>-totals.csv`: section, currency, column, total — one line for each section's row
    /// count, then one per integer column and currency.
    static func writeTotalsCSV(_ file: OutputFile, results: [ReportSectionResult]) throws(ReportError) {
        let writer = try CSVSectionWriter(
            file: file, columns: ["section", "currency", "column", "total"].map { ReportColumn(sourceName: $0) })
        for result in results {
            try writer.writeLine([result.name, "", "rows", String(result.rowCount)])
            for total in result.totals {
                let column = ReportColumn(sourceName: total.column)
                try writer.writeLine([
                    result.name, total.currency, column.outputName,
                    ReportCell.integer(total.value).text(for: column) ?? "",
                ])
            }
        }
    }
}
