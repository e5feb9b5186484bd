import Crypto
import Foundation

/// The HTML templates in `reports/`: plain HTML with `{{name}}` placeholders, so layout and
/// markup change without touching Swift. Values are escaped by the page before they go in; an
/// unknown placeholder is an error when the definitions load, not a blank in the output.
///
/// | file | placeholders |
/// |---|---|
/// | `report.html` | `title`, `subtitle` (text); `summary` (the summary rows), `charts`, `sections` |
/// | `section.html` | `anchor`, `title`, `notes`, `table` |
/// | `section-table.html` | `header` (the header cells), `rows`, `footer` |
/// | `summary-row.html` | `anchor`, `title`, `rows`, `currency`, `figures` |
/// | `chart.html` | `caption`, `svg`, `note` |
///
/// The fragments (all but `report.html`) lose one final newline, the one editors add.
struct HTMLTemplate: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case page = "report.html"
        case section = "section.html"
        case table = "section-table.html"
        case summaryRow = "summary-row.html"
        case chart = "chart.html"

        var placeholders: Set<String> {
            switch self {
            case .page: ["title", "subtitle", "summary", "charts", "sections"]
            case .section: ["anchor", "title", "notes", "table"]
            case .table: ["header", "rows", "footer"]
            case .summaryRow: ["anchor", "title", "rows", "currency", "figures"]
            case .chart: ["caption", "svg", "note"]
            }
        }
    }

    enum Part: Equatable, Sendable {
        case literal(Substring)
        case placeholder(String)
    }

    let parts: [Part]

    init(_ text: String, kind: Kind, file: String) throws(ReportError) {
        var text = Substring(text)
        if kind != .page, text.hasSuffix("\n") { text = text.dropLast() }
        parts = try Self.parts(of: text, placeholders: kind.placeholders, file: file)
    }

    /// Each placeholder replaced by its value ("" for a value not given).
    func render(_ values: [String: String]) -> String {
        var output = ""
        for part in parts {
            switch part {
            case .literal(let text): output += text
            case .placeholder(let name): output += values[name] ?? ""
            }
        }
        return output
    }

    static func parts(of template: Substring, placeholders: Set<String>, file: String) throws(ReportError) -> [Part] {
        var parts: [Part] = []
        var rest = template
        while let open = rest.firstRange(of: "{{") {
            parts.append(.literal(rest[..<open.lowerBound]))
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.firstRange(of: "}}") else {
                throw .templateInvalid(file: file, reason: "'{{' without a closing '}}'")
            }
            let name = Substring(afterOpen[..<close.lowerBound]).trimmingWhitespace()
            guard placeholders.contains(name) else {
                throw .templateInvalid(
                    file: file,
                    reason: "unknown placeholder {{\(name)}}; known: \(placeholders.sorted().joined(separator: ", "))")
            }
            parts.append(.placeholder(name))
            rest = afterOpen[close.upperBound...]
        }
        parts.append(.literal(rest))
        return parts
    }
}

/// Every template of a report, read and checked together from the definitions folder.
struct HTMLTemplates: Sendable {
    let byKind: [HTMLTemplate.Kind: HTMLTemplate]

    subscript(kind: HTMLTemplate.Kind) -> HTMLTemplate {
        guard let template = byKind[kind] else { preconditionFailure("template \(kind.rawValue) not loaded") }
        return template
    }

    /// Reads every `Kind` from `directory`, adding each file to `hasher`.
    static func load(directory: String, hasher: inout SHA256) throws(ReportError) -> HTMLTemplates {
        var byKind: [HTMLTemplate.Kind: HTMLTemplate] = [:]
        for kind in HTMLTemplate.Kind.allCases {
            let path = directory + "/" + kind.rawValue
            let text = try ReportDefinitions.readText(path, bytesMax: ReportLimits.templateBytesMax)
            hasher.update(data: Data((kind.rawValue + "\n" + text).utf8))
            byKind[kind] = try HTMLTemplate(text, kind: kind, file: path)
        }
        return HTMLTemplates(byKind: byKind)
    }
}
