import Hummingbird
import Logging

/// The benchmark's ceiling: Hummingbird with one route answering a constant, no middleware, in
/// this same process and build. The API's figures read as fractions of it.
enum BareHummingbirdServer {
    /// Starts the bare server on a loopback port, runs `body` against its base URL, stops it.
    static func measure<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.get("/") { _, _ in "hello" }
        var logger = Logger(label: "videoledger.bench.bare")
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let server = InProcessServer(application, logger: logger)
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            await server.stop()
            throw BenchError.serverDidNotStart
        }
        do {
            let result = try await body("http://127.0.0.1:\(port)")
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    enum BenchError: Error, CustomStringConvertible {
        case serverDidNotStart
        var description: String { "the bare Hummingbird server did not start" }
    }
}
