import Crypto
import Foundation

/// Which report: the nightly one for a day, or one user's spend over a range.
public enum ReportKind: String, Sendable, Hashable, CaseIterable {
    case nightly
    case spend

    /// The statement parameters each of its SQL files takes, in order.
    public var parameterNames: [String] {
        switch self {
        case .nightly: return ["date"]
        case .spend: return ["user_id", "from", "to"]
        }
    }
}

/// One section of a report: a SQL file of `reports/<kind>/`, streamed to every output.
public struct SectionDefinition: Sendable, Equatable {
    /// From the file name `NN_name.sql`: names the CSV file and the JSON section.
    public let name: String
    /// From the header line `-- title: …`, else the name.
    public let title: String
    public let chart: ChartDirective?
    /// From `-- meter: <column>`: a text column holding a rate from 0 to 1 (`0.9500`), drawn in
    /// the HTML table as a small bar beside its figure.
    public internal(set) var meter: String? = nil
    /// One SELECT (a trailing `;` removed), with `$1…` parameters as `ReportKind` lists them.
    public let sql: String
    public let file: String
}

/// A report's definitions as read from `reports/`: its sections in order, its control totals and
/// the HTML templates. Loaded fresh on every run, so editing `reports/` never needs a rebuild.
public struct ReportDefinitions: Sendable {
    public let kind: ReportKind
    public let directory: String
    public let sections: [SectionDefinition]
    /// `control_totals.sql`: ledger sums the section totals must equal; nil when absent.
    public let controlTotalsSQL: String?
    /// `report.html` and the fragments it is built from (`HTMLTemplate.Kind`).
    let templates: HTMLTemplates
    /// SHA-256 over every file read, recorded with each run so output changes can be explained.
    public let checksum: String

    static let controlTotalsFileName = "control_totals.sql"

    /// Where the definitions are: `--reports-dir`, else `$VIDEOLEDGER_REPORTS_DIR`, else `./reports`.
    public static func resolveDirectory(_ option: String?) -> String {
        if let option, !option.isEmpty { return option }
        if let environment = ProcessInfo.processInfo.environment["VIDEOLEDGER_REPORTS_DIR"], !environment.isEmpty {
            return environment
        }
        return "reports"
    }

    /// Reads `<directory>/<kind>/NN_name.sql`, `<directory>/<kind>/control_totals.sql` and the
    /// HTML templates in `<directory>`.
    public static func load(directory: String, kind: ReportKind) throws(ReportError) -> ReportDefinitions {
        let folder = directory + "/" + kind.rawValue
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue,
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder)
        else { throw .definitionsMissing(path: folder) }

        var hasher = SHA256()
        var sections: [(order: Int, definition: SectionDefinition)] = []
        var controlTotalsSQL: String?
        for name in names.sorted() where name.hasSuffix(".sql") {
            let path = folder + "/" + name
            let text = try readText(path, bytesMax: ReportLimits.definitionBytesMax)
            hasher.update(data: Data((kind.rawValue + "/" + name + "\n" + text).utf8))
            if name == controlTotalsFileName {
                controlTotalsSQL = try statement(text, file: path)
                continue
            }
            guard let (order, sectionName) = sectionFileName(name) else {
                throw .definitionInvalid(
                    file: path,
                    reason: "section files are named NN_name.sql (digits, '_', a lower-case name other than 'totals')")
            }
            sections.append((order, try section(named: sectionName, text: text, file: path)))
        }
        guard !sections.isEmpty else { throw .definitionsMissing(path: folder) }
        guard sections.count <= ReportLimits.sectionsMax else {
            throw .definitionInvalid(
                file: folder, reason: "\(sections.count) sections; at most \(ReportLimits.sectionsMax)")
        }
        sections.sort { ($0.order, $0.definition.name) < ($1.order, $1.definition.name) }
        var seen = Set<String>()
        for (_, section) in sections where !seen.insert(section.name).inserted {
            throw .definitionInvalid(file: section.file, reason: "another file already defines section \(section.name)")
        }

        let templates = try HTMLTemplates.load(directory: directory, hasher: &hasher)

        return ReportDefinitions(
            kind: kind, directory: directory, sections: sections.map(\.definition), controlTotalsSQL: controlTotalsSQL,
            templates: templates, checksum: hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }

    // MARK: - Parsing

    /// `20_user_spend.sql` → (20, "user_spend").
    static func sectionFileName(_ name: String) -> (Int, String)? {
        let stem = name.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"), let order = Int(stem[..<underscore]) else { return nil }
        let sectionName = String(stem[stem.index(after: underscore)...])
        let allowed = sectionName.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
        // "totals" names the totals CSV (`<stem>-totals.csv`), so no section may take it.
        guard !sectionName.isEmpty, sectionName.utf8.count <= 64, allowed, sectionName != "totals" else { return nil }
        return (order, sectionName)
    }

    static func section(named name: String, text: String, file: String) throws(ReportError) -> SectionDefinition {
        var title = name
        var chart: ChartDirective?
        var meter: String?
        // Directives live in the leading comment block only.
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty { continue }
            guard trimmed.hasPrefix("--") else { break }
            let comment = Substring(trimmed.dropFirst(2)).trimmingWhitespace()
            if comment.hasPrefix("title:") {
                title = Substring(comment.dropFirst(6)).trimmingWhitespace()
            } else if comment.hasPrefix("chart:") {
                let directive = Substring(comment.dropFirst(6)).trimmingWhitespace()
                guard let parsed = ChartDirective(parsing: directive) else {
                    throw .definitionInvalid(
                        file: file,
                        reason:
                            "chart '\(directive)' should read 'top N <label column> by <value column>' or '<label column> by <value column>'"
                            + " (N from 1 to \(ReportLimits.chartTopMax))")
                }
                chart = parsed
            } else if comment.hasPrefix("meter:") {
                let column = Substring(comment.dropFirst(6)).trimmingWhitespace()
                guard !column.isEmpty, !column.contains(" ") else {
                    throw .definitionInvalid(file: file, reason: "meter '\(column)' should name one column")
                }
                meter = column
            }
        }
        var section = SectionDefinition(
            name: name, title: title, chart: chart, sql: try statement(text, file: file), file: file)
        section.meter = meter
        return section
    }

    /// The file's one statement without its trailing `;`, so it can follow `DECLARE … CURSOR FOR`.
    static func statement(_ text: String, file: String) throws(ReportError) -> String {
        var sql = Substring(text)
        while let last = sql.last, last.isWhitespace || last == ";" { sql = sql.dropLast() }
        guard sql.contains(where: { !$0.isWhitespace }) else {
            throw .definitionInvalid(file: file, reason: "the file has no SQL")
        }
        return String(sql)
    }

    static func readText(_ path: String, bytesMax: Int) throws(ReportError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .definitionsMissing(path: path)
        }
        guard data.count <= bytesMax else {
            throw .definitionInvalid(file: path, reason: "\(data.count) bytes; at most \(bytesMax)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .definitionInvalid(file: path, reason: "not UTF-8 text")
        }
        return text
    }
}
