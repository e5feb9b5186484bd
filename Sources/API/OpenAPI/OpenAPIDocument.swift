/// The OpenAPI 3.1 description of every route, served at `GET /openapi.yaml`.
///
/// The document is `Sources/API/openapi.yaml`, embedded in the binary by SwiftPM
/// (`.embedInCode`), so a copied or installed `videoledger` always serves the document it was
/// built with. `APITests/OpenAPIDocumentTests` checks that every route the router answers is
/// described there and that every response the tests receive validates against it; `./test.sh`
/// also validates it with `openapi-spec-validator` and runs schemathesis against a live
/// `serve` (`scripts/contract-test.sh`). Edit the file when a route changes.
enum OpenAPIDocument {
    static let yaml = String(decoding: PackageResources.openapi_yaml, as: UTF8.self)
}
