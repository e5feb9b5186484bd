import ServiceLifecycle

/// The poller inside `videoledger serve`: runs until graceful shutdown and then returns
/// normally (a Service that throws `CancellationError` on SIGTERM crashes the process under
/// swift-service-lifecycle), having released its leases.
public struct PollerService: Service {
    public let poller: Poller

    public init(poller: Poller) {
        self.poller = poller
    }

    public func run() async throws {
        let stop = StopSignal()
        await withGracefulShutdownHandler {
            await poller.run(until: stop)
        } onGracefulShutdown: {
            stop.stop()
        }
    }
}
