import Hummingbird

/// CORS for browser dashboards, off unless origins are configured
/// (`VIDEOLEDGER_CORS_ORIGINS`). Only listed origins (or any, with `*`) get
/// `Access-Control-Allow-Origin`; a preflight (`OPTIONS` with `Access-Control-Request-Method`)
/// from one is answered here, before authentication, since browsers send preflights without
/// credentials. No cookies are involved (tokens are bearer headers), so credentials are never
/// allowed. Error answers carry the headers too, so a dashboard can read why it was refused.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    static let allowedMethods = "GET, HEAD, POST, PUT, DELETE"
    static let allowedHeaders = "Authorization, Content-Type, Idempotency-Key"
    static let exposedHeaders = "WWW-Authenticate"
    static let preflightMaxAgeSeconds = 600

    let allowedOrigins: Set<String>
    let anyOrigin: Bool

    init(allowedOrigins: [String]) {
        self.anyOrigin = allowedOrigins.contains("*")
        self.allowedOrigins = Set(allowedOrigins.filter { $0 != "*" })
    }

    func allows(_ origin: String) -> Bool { anyOrigin || allowedOrigins.contains(origin) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard allows(origin) else {
                throw APIError(
                    .forbidden, code: "cors_origin_not_allowed",
                    message: "this origin may not call the API from a browser")
            }
            var headers: HTTPFields = [:]
            headers[.accessControlAllowOrigin] = origin
            headers[.accessControlAllowMethods] = Self.allowedMethods
            headers[.accessControlAllowHeaders] = Self.allowedHeaders
            headers[.accessControlMaxAge] = String(Self.preflightMaxAgeSeconds)
            headers[.vary] = "Origin"
            return Response(status: .noContent, headers: headers)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        if allows(origin) {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        response.headers[.vary] = "Origin"
        return response
    }
}
