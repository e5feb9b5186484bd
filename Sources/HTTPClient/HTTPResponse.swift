/// A complete HTTP response: status, headers and the whole body (bounded by the request's
/// `responseBytesMax`).
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// `Content-Type` without parameters, lowercased: `"video/mp4"`, `"application/json"`.
    public var mediaType: String? {
        // Keeping empty pieces means an empty or ";"-only value cannot index past the end.
        header("content-type").map {
            $0.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingASCIISpaces().lowercased()
        }
    }

    /// `Retry-After` in whole seconds when given as delta-seconds (the form providers send).
    public var retryAfterSeconds: Int? {
        guard let value = header("retry-after"), let seconds = Int(value.trimmingASCIISpaces()), seconds >= 0 else {
            return nil
        }
        return seconds
    }
}

extension StringProtocol {
    func trimmingASCIISpaces() -> String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
