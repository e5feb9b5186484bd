/// An output format of a report.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable, Comparable {
    /// One RFC 4180 file per section (CRLF line endings), plus one of totals.
    case csv
    /// One file with every section's rows and totals.
    case json
    /// One self-contained page: summary, inline SVG charts, the first rows of each section.
    case html

    /// Parses `csv,json,html` (any order and case, repeats ignored) into a set; throws for an
    /// unknown name or an empty list.
    public static func parseList(_ text: String) throws(ReportError) -> Set<ReportFormat> {
        var formats = Set<ReportFormat>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingWhitespace().lowercased()
            if name.isEmpty { continue }
            guard let format = ReportFormat(rawValue: name) else { throw .unknownFormat(String(part)) }
            formats.insert(format)
        }
        guard !formats.isEmpty else { throw .noFormats }
        return formats
    }

    public static func < (left: ReportFormat, right: ReportFormat) -> Bool {
        allCases.firstIndex(of: left)! < allCases.firstIndex(of: right)!
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
