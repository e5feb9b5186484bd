/// One HTTP request to a provider, as plain values: adapters build these without I/O, so their
/// request shapes are testable without a network.
public struct HTTPRequest: Sendable, Equatable {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case delete = "DELETE"
    }

    public var method: Method
    /// Absolute URL, `http` or `https`.
    public var url: String
    /// Header fields in order; names compare case-insensitively.
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    /// Whole-request deadline, connection included.
    public var timeoutMilliseconds: Int
    /// Responses longer than this fail with `HTTPClientError.responseTooLarge`.
    public var responseBytesMax: Int
    /// Redirects are off by default: a provider that redirects a billing call is suspicious.
    public var followRedirects: Bool

    public init(
        method: Method,
        url: String,
        headers: [HTTPHeader] = [],
        body: [UInt8]? = nil,
        timeoutMilliseconds: Int = 30_000,
        responseBytesMax: Int = 8 * 1024 * 1024,
        followRedirects: Bool = false
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
        self.responseBytesMax = responseBytesMax
        self.followRedirects = followRedirects
    }
}

/// A header field. Values that carry secrets (authorization, wallet signatures) must never be
/// logged; `HTTPHeader.redacted` is the form to print.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Header names whose values are secrets.
    public static let secretNames: Set<String> = [
        "authorization", "x-api-key", "sign-in-with-x", "x-sign-in-with-x", "payment-signature", "x-payment",
    ]

    /// The header with its value hidden when it is a secret.
    public var redacted: HTTPHeader {
        HTTPHeader.secretNames.contains(name.lowercased()) ? HTTPHeader(name, "<redacted>") : self
    }
}
