import Hummingbird

/// Requires a bearer token on every route but the open ones. A `read` token may read: GET and
/// HEAD, and `POST /v1/quotes` (pricing writes nothing). Everything else that writes needs an
/// `admin` token, and so does all of token administration (`/v1/tokens`), reads included.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let authenticator: TokenAuthenticator
    /// Paths answered without a token (health, and metrics unless configured otherwise).
    let openPaths: Set<String>

    /// Write methods a read token may use, by exact path: they compute, they record nothing.
    static let readOnlyWrites: Set<String> = ["/v1/quotes"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        if openPaths.contains(path) { return try await next(request, context) }
        guard let principal = try await authenticator.authenticate(authorization: request.headers[.authorization])
        else {
            throw APIError(.unauthorized, code: "unauthorized", message: "a valid bearer token is required")
        }
        if principal.scope != .admin && Self.needsAdmin(method: request.method, path: path) {
            throw APIError(.forbidden, code: "forbidden", message: "this request needs an admin token")
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }

    static func needsAdmin(method: HTTPRequest.Method, path: String) -> Bool {
        if path == "/v1/tokens" || path.hasPrefix("/v1/tokens/") { return true }
        if method == .get || method == .head { return false }
        return !(method == .post && readOnlyWrites.contains(path))
    }
}
