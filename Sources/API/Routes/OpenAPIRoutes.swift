import Hummingbird

/// `GET /openapi.yaml`: the API's own description (see `OpenAPIDocument`), needing a read token
/// like every other route but health and metrics.
struct OpenAPIRoutes: Sendable {
    static let body = ByteBuffer(string: OpenAPIDocument.yaml)

    func register(on router: Router<APIRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: Self.body))
        }
    }
}
