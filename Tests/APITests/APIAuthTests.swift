import API
import Foundation
import HTTPClient
import Testing

@Suite struct APIAuthTests {
    @Test func healthIsOpenAndReportsTheDatabase() async throws {
        let server = try await APITestServer.start()
        let health = try await server.request(.get, "/healthz", token: .none)
        #expect(health.status == 200)
        #expect(health.json["database"] as? String == "ok")
        await server.stop()
    }

    @Test func everyProtectedRouteNeedsAToken() async throws {
        let server = try await APITestServer.start()
        for (method, path) in [
            (HTTPMethodName.get, "/v1/quotes/cheapest?family=veo-3.1-fast&duration=8&resolution=1080p"),
            (.get, "/v1/users/alice/balance"), (.post, "/v1/quotes"), (.put, "/v1/users/alice"),
        ] {
            for token in [APITestServer.Token.none, .bogus] {
                let response = try await server.request(
                    method.method, path, body: method == .get ? nil : "{}", token: token)
                #expect(response.status == 401, "\(path) with \(token)")
                #expect(errorCode(response.json) == "unauthorized")
            }
        }
        await server.stop()
    }

    @Test func readTokensCannotWrite() async throws {
        let server = try await APITestServer.start()
        let write = try await server.request(.put, "/v1/users/bob", body: "{}", token: .read)
        #expect(write.status == 403)
        #expect(errorCode(write.json) == "forbidden")
        let created = try await server.request(.put, "/v1/users/bob", body: "{}", token: .admin)
        #expect(created.status == 201)
        let read = try await server.request(.get, "/v1/users/bob/balance", token: .read)
        #expect(read.status == 200)
        #expect(read.json["available"] as? String == "0.000000")
        await server.stop()
    }

    @Test func revokedTokensStopWorking() async throws {
        let server = try await APITestServer.start()
        #expect(try await server.request(.get, "/v1/users/nobody/balance", token: .read).status == 404)
        try await API.TokenStore(pool: server.pool).revoke(name: "test-read")
        #expect(try await server.request(.get, "/v1/users/nobody/balance", token: .read).status == 401)
        await server.stop()
    }
}

/// Methods used in the auth matrix.
enum HTTPMethodName {
    case get, post, put
    var method: HTTPClient.HTTPRequest.Method {
        switch self {
        case .get: return .get
        case .post: return .post
        case .put: return .put
        }
    }
}
