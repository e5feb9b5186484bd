import API
import Foundation
import HTTPClient
import TestSupport
import Testing

/// Token administration over REST (admin tokens only) and the read scope's reach.
@Suite struct TokenRoutesTests {
    @Test func adminsCreateListAndRevokeTokens() async throws {
        let server = try await APITestServer.start()
        let created = try await server.request(.post, "/v1/tokens", body: #"{"name": "dashboard", "scope": "read"}"#)
        #expect(created.status == 201, "\(created.body)")
        let value = try #require(created.json["token"] as? String)
        #expect(value.hasPrefix("vl_"))
        #expect(created.json["created_by"] as? String == "test-admin")
        #expect(created.json["active"] as? Bool == true)

        // The value is shown once: the list has names and states, never values or digests.
        let list = try await server.request(.get, "/v1/tokens")
        #expect(list.status == 200)
        #expect(!list.body.contains(value))
        let names = (list.json["tokens"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(names == ["dashboard", "test-admin", "test-read"])

        // The new token reads at once (the cache was dropped), and cannot write.
        let reader = [HTTPHeader("Authorization", "Bearer \(value)")]
        let read = try await server.request(.get, "/v1/providers", token: .none, headers: reader)
        #expect(read.status == 200)
        #expect(try await server.request(.put, "/v1/users/x", body: "{}", token: .none, headers: reader).status == 403)

        let revoked = try await server.request(.delete, "/v1/tokens/dashboard")
        #expect(revoked.status == 200)
        #expect(revoked.json["active"] as? Bool == false)
        #expect(revoked.json["revoked_at"] is String)
        #expect(try await server.request(.get, "/v1/providers", token: .none, headers: reader).status == 401)

        let again = try await server.request(.delete, "/v1/tokens/dashboard")
        #expect(again.status == 404)
        #expect(errorCode(again.json) == "not_found")
        let taken = try await server.request(.post, "/v1/tokens", body: #"{"name": "test-read", "scope": "read"}"#)
        #expect(taken.status == 409)
        for body in [
            #"{"name": "has space", "scope": "read"}"#, #"{"name": "ok", "scope": "root"}"#, #"{"name": "ok"}"#,
        ] {
            #expect(try await server.request(.post, "/v1/tokens", body: body).status == 400, "\(body)")
        }
        await server.stop()
    }

    @Test func readTokensMayQuoteButNotAdministerTokens() async throws {
        let server = try await APITestServer.start()
        let quote = try await server.request(
            .post, "/v1/quotes", body: #"{"family": "veo-3.1-fast", "duration": "8s", "resolution": "1080p"}"#,
            token: .read)
        #expect(quote.status == 200, "\(quote.body)")
        for (method, path, body) in [
            (HTTPClient.HTTPRequest.Method.get, "/v1/tokens", nil),
            (.post, "/v1/tokens", #"{"name":"x","scope":"admin"}"#),
            (.delete, "/v1/tokens/test-admin", nil),
        ] {
            let refused = try await server.request(method, path, body: body, token: .read)
            #expect(refused.status == 403, "\(method) \(path)")
            #expect(errorCode(refused.json) == "forbidden")
        }
        // Other writes stay admin-only.
        #expect(try await server.request(.post, "/v1/jobs", body: "{}", token: .read).status == 403)
        let tokens: Int64 = try await server.pool.withSession {
            try $0.query("SELECT count(*) FROM api_tokens")[0].decode(0)
        }
        #expect(tokens == 2)
        await server.stop()
    }
}
