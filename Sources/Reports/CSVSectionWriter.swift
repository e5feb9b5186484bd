/// Writes one section as an RFC 4180 CSV file: a header line of output column names, then one
/// line per row, every line ending in CRLF. Money is a six-decimal string, NULL an empty field.
struct CSVSectionWriter {
    let file: OutputFile
    let columns: [ReportColumn]

    init(file: OutputFile, columns: [ReportColumn]) throws(ReportError) {
        self.file = file
        self.columns = columns
        try writeLine(columns.map(\.outputName))
    }

    func append(_ cells: [ReportCell]) throws(ReportError) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { file.appendUnchecked(CollectionOfOne(0x2C)) }
            if let text = cell.text(for: columns[index]) { TextEscaping.appendCSVField(text, to: file) }
        }
        file.appendUnchecked([0x0D, 0x0A])
        try file.flushIfFull()
    }

    func writeLine(_ fields: [String]) throws(ReportError) {
        for (index, field) in fields.enumerated() {
            if index > 0 { file.appendUnchecked(CollectionOfOne(0x2C)) }
            TextEscaping.appendCSVField(field, to: file)
        }
        file.appendUnchecked([0x0D, 0x0A])
        try file.flushIfFull()
    }
}
