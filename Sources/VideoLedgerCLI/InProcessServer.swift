import API
import ArgumentParser
import Foundation
import Jobs
import Logging
import Postgres
import Pricing
import Reconciliation
import ServiceLifecycle

/// A server a benchmark runs inside its own process. Stopping it is a graceful shutdown, so the
/// connections wrk left open close cleanly instead of each logging a cancellation error.
struct InProcessServer: Sendable {
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(_ server: some Service, logger: Logger) {
        let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
        self.group = group
        self.task = Task { try await group.run() }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// The REST API, as `serve` builds it but without providers, on a free loopback port, with
    /// a scorecard for every provider family so `rank=expected` ranks for real. Returns the
    /// server and its base URL.
    static func api(pool: PostgresPool, catalog: PriceCatalog, reads: PostgresReadRouter?) async throws -> (
        InProcessServer, String
    ) {
        var logger = Logger(label: "videoledger.bench")
        logger.logLevel = .warning
        let scorecards = ScorecardBoard(catalog: catalog)
        scorecards.publish(Scorecard(asOf: Date(), generation: 1, rows: [], book: ExpectedCostBook.synthetic(catalog)))
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = VideoLedgerApplication.build(
            configuration: .init(host: "127.0.0.1", port: 0),
            dependencies: .init(
                pool: pool, catalog: catalog, authenticator: TokenAuthenticator(store: TokenStore(pool: pool)),
                jobs: JobService(pool: pool, catalog: catalog, adapters: [:]),
                reconciler: Reconciler(pool: pool, catalog: catalog, adapters: [:]), scorecards: scorecards,
                reads: reads),
            logger: logger, onServerRunning: { continuation.yield($0) })
        let server = InProcessServer(application, logger: logger)
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ValidationError("the server did not start") }
        return (server, "http://127.0.0.1:\(port)")
    }
}
