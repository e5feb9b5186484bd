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

    /// One row, each value already formatted (`ReportCell.text(for:)`); nil is an empty field.
    func append(_ texts: [String?]) throws(ReportError) {
        for index in texts.indices {
            if index > 0 { try file.append(byte: 0x2C) }
            if let text = texts[index] { try TextEscaping.appendCSVField(text, to: file) }
        }
        try file.append(byte: 0x0D)
        try file.append(byte: 0x0A)
    }

    func writeLine(_ fields: [String]) throws(ReportError) {
        for (index, field) in fields.enumerated() {
            if index > 0 { try file.append(byte: 0x2C) }
            try TextEscaping.appendCSVField(field, to: file)
        }
        try file.append(byte: 0x0D)
        try file.append(byte: 0x0A)
    }
}
