import ProviderRegistry
import ServiceLifecycle

/// A started simulator: where each provider listens, and how to stop it.
public final class RunningSimulator: Sendable {
    struct Server: Sendable {
        let provider: ProviderID
        let port: Int
        let group: ServiceGroup
        let task: Task<Void, Never>
        /// How long in-flight requests get to finish before the server is cancelled.
        static let gracefulStopMilliseconds = 10_000

        func stop() async {
            await group.triggerGracefulShutdown()
            let deadline = Task { [task] in
                try? await Task.sleep(for: .milliseconds(Self.gracefulStopMilliseconds))
                task.cancel()
            }
            await task.value
            deadline.cancel()
        }
    }

    public let host: String
    private let servers: [Server]

    init(host: String, servers: [Server]) {
        self.host = host
        self.servers = servers
    }

    /// The bound port of each provider (the real one when 0 was asked for).
    public var ports: [ProviderID: Int] {
        Dictionary(uniqueKeysWithValues: servers.map { ($0.provider, $0.port) })
    }

    /// The base URL to configure VideoLedger's adapter with, as `VIDEOLEDGER_<PROVIDER>_BASE_URL`
    /// (Venice's includes `/api/v1`, as its real one does).
    public var baseURLs: [ProviderID: String] {
        Dictionary(
            uniqueKeysWithValues: servers.map {
                ($0.provider, "http://\(host):\($0.port)\($0.provider.descriptor.basePath)")
            })
    }

    /// Where the provider's `/_sim/` control endpoint is.
    public func controlURL(_ provider: ProviderID) -> String? {
        ports[provider].map { "http://\(host):\($0)/_sim" }
    }

    /// Stops every server and waits until they have closed their ports.
    public func stop() async {
        for server in servers { await server.stop() }
    }
}
