import Foundation

/// Reads the text fields of a `multipart/form-data` body (the gateway's documented encoding).
/// File parts are read as text too; the simulator only looks at small fields.
enum MultipartFields {
    static let partsMax = 64

    static func fields(_ body: [UInt8], contentType: String?) -> [String: String]? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundaryRange = contentType.range(of: "boundary=")
        else { return nil }
        let boundary =
            contentType[boundaryRange.upperBound...].split(separator: ";").first.map {
                $0.trimmingCharacters(in: .init(charactersIn: "\" "))
            } ?? ""
        guard !boundary.isEmpty else { return nil }
        let text = String(decoding: body, as: UTF8.self)
        var fields: [String: String] = [:]
        for part in text.components(separatedBy: "--" + boundary).prefix(partsMax) {
            guard let split = part.range(of: "\r\n\r\n") else { continue }
            let head = part[..<split.lowerBound]
            guard let nameStart = head.range(of: "name=\"") else { continue }
            let name = head[nameStart.upperBound...].prefix { $0 != "\"" }
            var value = String(part[split.upperBound...])
            if value.hasSuffix("\r\n") { value.unicodeScalars.removeLast(2) }
            fields[String(name)] = value
        }
        return fields
    }
}
