import API
import Foundation
import Testing

/// The dashboard routes under the token rules: no token or a bogus one is 401 everywhere but
/// /healthz and /metrics; a read token reads; writes need admin.
@Suite struct DashboardAuthTests {
    static let readRoutes = ["/v1/jobs", "/v1/users/erin/spend", "/v1/providers", "/openapi.yaml"]

    @Test func readRoutesNeedAReadOrAdminToken() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/erin", body: "{}")
        for path in Self.readRoutes {
            for token in [APITestServer.Token.none, .bogus] {
                let refused = try await server.request(.get, path, token: token)
                #expect(refused.status == 401, "\(path) with \(token)")
                #expect(errorCode(refused.json) == "unauthorized", "\(path)")
            }
            for token in [APITestServer.Token.read, .admin] {
                #expect(try await server.request(.get, path, token: token).status == 200, "\(path) with \(token)")
            }
        }
        await server.stop()
    }

    @Test func readTokensCannotWriteToDashboardPaths() async throws {
        let server = try await APITestServer.start()
        for path in ["/v1/jobs", "/v1/providers"] {
            let refused = try await server.request(.post, path, body: "{}", token: .read)
            #expect(refused.status == 403, "\(path)")
            #expect(errorCode(refused.json) == "forbidden")
        }
        await server.stop()
    }

    /// /metrics shows business figures: open by default only while the listener is loopback.
    @Test func metricsAreOpenOnlyOnLoopbackUnlessConfiguredOtherwise() async throws {
        #expect(VideoLedgerApplication.Configuration(host: "127.0.0.1").metricsOpen)
        #expect(VideoLedgerApplication.Configuration(host: "localhost").metricsOpen)
        #expect(VideoLedgerApplication.Configuration(host: "::1").metricsOpen)
        #expect(VideoLedgerApplication.Configuration(host: "127.3.2.1").metricsOpen)
        #expect(!VideoLedgerApplication.Configuration(host: "0.0.0.0").metricsOpen)
        #expect(!VideoLedgerApplication.Configuration(host: "::").metricsOpen)
        #expect(!VideoLedgerApplication.Configuration(host: "10.0.0.7").metricsOpen)
        #expect(!VideoLedgerApplication.Configuration(host: "127.0.0.1.example.com").metricsOpen)
        #expect(VideoLedgerApplication.Configuration(host: "0.0.0.0", metricsOpen: true).metricsOpen)

        let open = try await APITestServer.start()
        #expect(try await open.request(.get, "/metrics", token: .none).status == 200)
        await open.stop()
        // Listening on every address: a token is needed, though this request comes over loopback.
        let exposed = try await APITestServer.start(host: "0.0.0.0")
        let refusedExposed = try await exposed.request(.get, "/metrics", token: .none)
        #expect(refusedExposed.status == 401)
        #expect(try await exposed.request(.get, "/metrics", token: .read).status == 200)
        await exposed.stop()
        let opened = try await APITestServer.start(metricsOpen: true, host: "0.0.0.0")
        #expect(try await opened.request(.get, "/metrics", token: .none).status == 200)
        await opened.stop()
        let closed = try await APITestServer.start(metricsOpen: false)
        let refused = try await closed.request(.get, "/metrics", token: .none)
        #expect(refused.status == 401)
        #expect(errorCode(refused.json) == "unauthorized")
        #expect(try await closed.request(.get, "/metrics", token: .read).status == 200)
        await closed.stop()
    }

    @Test func unknownRoutesAnswerTheErrorShape() async throws {
        let server = try await APITestServer.start()
        let missing = try await server.request(.get, "/v1/nothing-here", token: .read)
        #expect(missing.status == 404)
        #expect(errorCode(missing.json) == "not_found")
        #expect(missing.json["error"].flatMap { $0 as? [String: Any] }?["message"] is String)
        await server.stop()
    }
}
