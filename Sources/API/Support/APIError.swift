import Hummingbird

/// An error answered as `{"error":{"code","message"}}` with its HTTP status. Every error path of
/// the API ends here, so clients see one shape.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Extra response headers (`Allow` on a 405).
    public var headers: HTTPFields = [:]

    /// Longest message sent: a backstop behind the per-field caps on echoed input (32
    /// characters of any one value), so no error can send a request body back.
    public static let messageCharactersMax = 1_000

    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message =
            message.count <= Self.messageCharactersMax
            ? message : String(message.prefix(Self.messageCharactersMax - 1)) + "…"
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONResponse.make(Body(error: .init(code: code, message: message)), status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        response.headers.append(contentsOf: headers)
        return response
    }

    static func badRequest(_ code: String, _ message: String) -> APIError {
        APIError(.badRequest, code: code, message: message)
    }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not_found", message: message) }
    static func unprocessable(_ code: String, _ message: String) -> APIError {
        APIError(.unprocessableContent, code: code, message: message)
    }
}
