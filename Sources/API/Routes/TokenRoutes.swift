import Hummingbird
import Postgres

/// Token administration for admin tokens (every route here needs one, reads included):
/// `POST /v1/tokens` creates a token and answers its value, once; `GET /v1/tokens` lists names,
/// scopes and states (never values); `DELETE /v1/tokens/{name}` revokes one. Changes take
/// effect at once in this process (the authenticator's cache is dropped).
struct TokenRoutes: Sendable {
    let store: TokenStore
    let authenticator: TokenAuthenticator

    struct CreateBody: Decodable {
        var name: String
        var scope: String
    }

    struct TokenView: Encodable {
        let name: String
        let scope: String
        let active: Bool
        let createdAt: String
        let revokedAt: String?
        let createdBy: String?

        init(_ token: TokenStore.Token) {
            name = token.name
            scope = token.scope.rawValue
            active = !token.revoked
            createdAt = token.createdAt.postgresText
            revokedAt = token.revokedAt?.postgresText
            createdBy = token.createdBy
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(scope, forKey: .scope)
            try c.encode(active, forKey: .active)
            try c.encode(createdAt, forKey: .createdAt)
            try c.encode(revokedAt, forKey: .revokedAt)
            try c.encode(createdBy, forKey: .createdBy)
        }

        enum CodingKeys: String, CodingKey { case name, scope, active, createdAt, revokedAt, createdBy }
    }

    /// The answer to a create: the token's view and its value, which is never shown again.
    struct CreatedView: Encodable {
        let token: String
        let details: TokenView

        func encode(to encoder: any Encoder) throws {
            try details.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(token, forKey: .token)
        }

        enum Keys: String, CodingKey { case token }
    }

    struct ListView: Encodable {
        let tokens: [TokenView]
    }

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/tokens") { request, context in
            let body = try await JSONBody.decode(CreateBody.self, from: request, context: context)
            guard TokenStore.TokenError.isName(body.name) else { throw TokenStore.TokenError.invalidName(body.name) }
            guard let scope = TokenScope(rawValue: body.scope) else {
                throw APIError.badRequest("invalid_scope", "scope must be read or admin")
            }
            let value = try await store.create(name: body.name, scope: scope, createdBy: context.principal?.tokenName)
            authenticator.invalidate()
            guard let token = try await store.token(named: body.name) else {
                throw APIError.notFound("token \(body.name) not found")
            }
            return try JSONResponse.make(CreatedView(token: value, details: TokenView(token)), status: .created)
        }
        router.get("/v1/tokens") { _, _ in
            try JSONResponse.make(ListView(tokens: try await store.list().map(TokenView.init)))
        }
        router.delete("/v1/tokens/:name") { _, context in
            let name = try InputRules.pathParameter("name", context)
            guard TokenStore.TokenError.isName(name) else {
                throw APIError.badRequest("invalid_name", "token name must be 1-64 of A-Z a-z 0-9 _ . : -")
            }
            try await store.revoke(name: name)
            authenticator.invalidate()
            guard let token = try await store.token(named: name) else {
                throw APIError.notFound("token \(name) not found")
            }
            return try JSONResponse.make(TokenView(token))
        }
    }
}
