import Foundation
import TestSupport
import Testing

/// CORS for browser dashboards: off by default; configured origins get answers a browser reads.
@Suite struct CORSTests {
    static func port(_ server: APITestServer) throws -> Int {
        try #require(Int(server.baseURL.split(separator: ":").last ?? ""))
    }

    @Test func offByDefault() async throws {
        let server = try await APITestServer.start()
        let answer = try await RawHTTP.send(
            port: try Self.port(server), "GET", "/v1/providers",
            headers: ["Origin": "https://dash.example.com", "Authorization": "Bearer \(server.readToken)"])
        #expect(answer.status == 200)
        #expect(answer.headers["access-control-allow-origin"] == nil)
        let preflight = try await RawHTTP.send(
            port: try Self.port(server), "OPTIONS", "/v1/providers",
            headers: ["Origin": "https://dash.example.com", "Access-Control-Request-Method": "GET"])
        #expect(preflight.headers["access-control-allow-origin"] == nil)
        #expect(preflight.status == 401, "no CORS: a preflight is just an unauthenticated request")
        await server.stop()
    }

    @Test func configuredOriginsArePreflightedAndAnswered() async throws {
        let server = try await APITestServer.start(corsOrigins: ["https://dash.example.com"])
        let port = try Self.port(server)
        let preflight = try await RawHTTP.send(
            port: port, "OPTIONS", "/v1/users/x/credits",
            headers: [
                "Origin": "https://dash.example.com", "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
            ])
        #expect(preflight.status == 204)
        #expect(preflight.headers["access-control-allow-origin"] == "https://dash.example.com")
        #expect(preflight.headers["access-control-allow-methods"]?.contains("POST") == true)
        #expect(preflight.headers["access-control-allow-headers"]?.lowercased().contains("idempotency-key") == true)
        #expect(preflight.headers["access-control-allow-credentials"] == nil)

        let read = try await RawHTTP.send(
            port: port, "GET", "/v1/providers",
            headers: ["Origin": "https://dash.example.com", "Authorization": "Bearer \(server.readToken)"])
        #expect(read.status == 200)
        #expect(read.headers["access-control-allow-origin"] == "https://dash.example.com")
        // Refusals carry the header too, so the dashboard can read why.
        let refused = try await RawHTTP.send(
            port: port, "GET", "/v1/providers", headers: ["Origin": "https://dash.example.com"])
        #expect(refused.status == 401)
        #expect(refused.headers["access-control-allow-origin"] == "https://dash.example.com")

        let stranger = try await RawHTTP.send(
            port: port, "OPTIONS", "/v1/providers",
            headers: ["Origin": "https://evil.example", "Access-Control-Request-Method": "GET"])
        #expect(stranger.status == 403)
        #expect(stranger.headers["access-control-allow-origin"] == nil)
        let strangerRead = try await RawHTTP.send(
            port: port, "GET", "/v1/providers",
            headers: ["Origin": "https://evil.example", "Authorization": "Bearer \(server.readToken)"])
        #expect(strangerRead.headers["access-control-allow-origin"] == nil)
        await server.stop()
    }
}
