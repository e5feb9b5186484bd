import API
import Foundation
import HTTPClient
import Hummingbird
import Logging
import Pricing
import ServiceLifecycle
import TestSupport
import Testing

/// What `videoledger serve` relies on: on graceful shutdown (SIGTERM/SIGINT through
/// `runService`'s ServiceGroup) the server stops accepting connections and lets the requests
/// in flight finish. Triggered here without a signal, through the same ServiceGroup path.
@Suite struct GracefulShutdownTests {
    @Test func inFlightRequestsFinishAndNewConnectionsAreRefused() async throws {
        let pool = try await TestDatabase.makePool()
        let tokens = TokenStore(pool: pool)
        let token = try await tokens.create(name: "shutdown-read", scope: .read)
        let catalog = try PriceCatalog.load(directory: TestDatabase.repositoryRoot + "/pricing")
        let router = VideoLedgerApplication.router(
            configuration: .init(),
            dependencies: .init(pool: pool, catalog: catalog, authenticator: TokenAuthenticator(store: tokens)))
        // The handler says when it has started, so shutdown begins with the request truly in flight.
        let (started, startedContinuation) = AsyncStream<Void>.makeStream()
        router.get("/test/slow") { _, _ -> String in
            startedContinuation.yield()
            try await Task.sleep(for: .milliseconds(800))
            return "finished"
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: Logger(label: "shutdown-test"))
        let group = ServiceGroup(configuration: .init(services: [application], logger: Logger(label: "shutdown-test")))
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let next = await iterator.next()
        let port = try #require(next)
        let client = try CurlHTTPClient()
        let header = [HTTPClient.HTTPHeader("Authorization", "Bearer \(token)")]
        let slow = Task {
            try await client.execute(
                HTTPClient.HTTPRequest(
                    method: .get, url: "http://127.0.0.1:\(port)/test/slow", headers: header,
                    timeoutMilliseconds: 300_000))
        }
        var startedIterator = started.makeAsyncIterator()
        _ = await startedIterator.next()
        await group.triggerGracefulShutdown()
        let answered = try await slow.value
        #expect(answered.status == 200)
        #expect(String(decoding: answered.body, as: UTF8.self) == "finished")
        try await running.value
        let refused = try? await client.execute(
            HTTPClient.HTTPRequest(
                method: .get, url: "http://127.0.0.1:\(port)/healthz", headers: [], timeoutMilliseconds: 2_000))
        #expect(refused == nil)
        await client.shutdown()
        await pool.close()
    }
}
