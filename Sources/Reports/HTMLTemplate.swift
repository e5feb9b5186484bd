/// The page template `reports/report.html`: plain HTML with `{{name}}` placeholders, so layout
/// and styling change without touching Swift. Placeholders:
///
/// - `{{title}}`, `{{subtitle}}`: text (escaped here);
/// - `{{summary}}`, `{{charts}}`, `{{sections}}`: markup the report builds (every value in it
///   escaped).
///
/// An unknown placeholder is an error when the definitions load, not a blank in the output.
enum HTMLTemplate {
    static let placeholders: Set<String> = ["title", "subtitle", "summary", "charts", "sections"]

    static func validate(_ template: String, file: String) throws(ReportError) {
        _ = try parts(of: template, file: file)
    }

    /// Replaces each placeholder with its value; values must cover every placeholder used.
    static func render(_ template: String, values: [String: String]) throws(ReportError) -> String {
        var output = ""
        for part in try parts(of: template, file: ReportDefinitions.templateFileName) {
            switch part {
            case .literal(let text): output += text
            case .placeholder(let name): output += values[name] ?? ""
            }
        }
        return output
    }

    enum Part: Equatable {
        case literal(Substring)
        case placeholder(String)
    }

    static func parts(of template: String, file: String) throws(ReportError) -> [Part] {
        var parts: [Part] = []
        var rest = Substring(template)
        while let open = rest.firstRange(of: "{{") {
            parts.append(.literal(rest[..<open.lowerBound]))
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.firstRange(of: "}}") else {
                throw .templateInvalid(file: file, reason: "'{{' without a closing '}}'")
            }
            let name = Substring(afterOpen[..<close.lowerBound]).trimmingWhitespace()
            guard placeholders.contains(name) else {
                throw .templateInvalid(
                    file: file, reason: "unknown placeholder {{\(name)}}; known: \(placeholders.sorted().joined(separator: ", "))")
            }
            parts.append(.placeholder(name))
            rest = afterOpen[close.upperBound...]
        }
        parts.append(.literal(rest))
        return parts
    }
}
