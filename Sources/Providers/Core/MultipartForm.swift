/// A `multipart/form-data` body of text fields, the encoding the `/v1/videos` gateway's own docs
/// use. Files are not sent: images go by URL.
struct MultipartForm {
    private(set) var fields: [(name: String, value: String)] = []

    mutating func append(_ name: String, _ value: String?) {
        if let value { fields.append((name, value)) }
    }

    /// A boundary that appears in no field, so the body can be built deterministically.
    var boundary: String {
        var candidate = "videoledger-form-boundary"
        while fields.contains(where: { $0.value.contains(candidate) || $0.name.contains(candidate) }) {
            candidate += "-x"
        }
        return candidate
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    var bytes: [UInt8] {
        let boundary = self.boundary
        var text = ""
        for field in fields {
            let name = field.name.replacingOccurrences(of: "\"", with: "%22")
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(field.value)\r\n"
        }
        text += "--\(boundary)--\r\n"
        return Array(text.utf8)
    }
}
