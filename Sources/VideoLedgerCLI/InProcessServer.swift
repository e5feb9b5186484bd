import Logging
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
}
