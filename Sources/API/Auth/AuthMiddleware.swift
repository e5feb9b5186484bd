import Hummingbird

/// Requires a bearer token on every route but the open ones: a `read` token for GET and HEAD,
/// an `admin` token for anything that writes.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let authenticator: TokenAuthenticator
    /// Paths answered without a token (health, and metrics unless configured otherwise).
    let openPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if openPaths.contains(request.uri.path) { return try await next(request, context) }
        guard let principal = try await authenticator.authenticate(authorization: request.headers[.authorization]) else {
            throw APIError(.unauthorized, code: "unauthorized", message: "a valid bearer token is required")
        }
        let readOnly = request.method == .get || request.method == .head
        if !readOnly && principal.scope != .admin {
            throw APIError(.forbidden, code: "forbidden", message: "this request needs an admin token")
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
