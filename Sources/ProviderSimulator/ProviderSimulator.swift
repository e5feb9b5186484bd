import Hummingbird
import Logging
import ProviderRegistry
import ServiceLifecycle
import Synchronization

/// Serves the five provider APIs on loopback with scripted behaviour: for tests, benchmarks, the
/// demo, and local development (`videoledger simulate-providers`). See README.md.
public enum ProviderSimulator {
    public enum StartError: Error, Sendable, CustomStringConvertible {
        case couldNotListen(provider: ProviderID, port: Int, reason: String)

        public var description: String {
            switch self {
            case .couldNotListen(let provider, let port, let reason):
                return "\(provider.rawValue) could not listen on port \(port): \(reason)"
            }
        }
    }

    /// Starts one server per configured provider and returns once all are listening.
    public static func start(_ configuration: SimulatorConfiguration) async throws(StartError) -> RunningSimulator {
        var servers: [RunningSimulator.Server] = []
        for provider in ProviderID.allCases where configuration.providers.contains(provider) {
            do {
                servers.append(try await startServer(provider, configuration: configuration))
            } catch {
                for server in servers { await server.stop() }
                throw error
            }
        }
        return RunningSimulator(host: configuration.host, servers: servers)
    }

    private static func startServer(
        _ provider: ProviderID, configuration: SimulatorConfiguration
    ) async throws(StartError) -> RunningSimulator.Server {
        let state = SimulationState(
            provider: provider, balancesMicros: configuration.balancesMicros[provider] ?? [:],
            jobsMax: configuration.jobsMaxPerProvider, seed: configuration.seed &+ UInt64(provider.order))
        _ = state.configure(ScenarioText.pairs(configuration.defaults))
        let responder = SimulatorResponder(
            provider: provider, simulation: simulation(provider, state: state),
            requestBodyBytesMax: configuration.requestBodyBytesMax)
        let requestedPort = configuration.port(for: provider)
        let listening = ListeningSignal()
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: requestedPort), serverName: nil),
            onServerRunning: { channel in listening.report(.success(channel.localAddress?.port ?? requestedPort)) }
        )
        // In a service group, so stopping is a graceful shutdown: open keep-alive connections
        // close cleanly instead of each logging a cancellation error.
        let group = ServiceGroup(
            configuration: .init(services: [application], logger: Logger(label: "videoledger.simulator")))
        let task = Task {
            do {
                try await group.run()
                listening.report(
                    .failure(.couldNotListen(provider: provider, port: requestedPort, reason: "server stopped")))
            } catch {
                listening.report(.failure(.couldNotListen(provider: provider, port: requestedPort, reason: "\(error)")))
            }
        }
        let port: Int
        do {
            port = try await listening.wait()
        } catch {
            task.cancel()
            throw error
        }
        return RunningSimulator.Server(provider: provider, port: port, group: group, task: task)
    }

    private static func simulation(_ provider: ProviderID, state: SimulationState) -> any ProviderSimulation {
        switch provider {
        case .aimo: return AIMOSimulation(state: state)
        case .openAIVideos: return OpenAIVideosSimulation(state: state)
        case .venice: return VeniceSimulation(state: state)
        case .nanoGPT: return NanoGPTSimulation(state: state)
        case .aigate: return AIGateSimulation(state: state)
        }
    }
}

/// Hands the bound port (or the failure to bind) from the server task to `start`, once.
private final class ListeningSignal: Sendable {
    typealias Outcome = Result<Int, ProviderSimulator.StartError>
    private let state = Mutex<(outcome: Outcome?, waiter: CheckedContinuation<Outcome, Never>?)>((nil, nil))

    func report(_ outcome: Outcome) {
        let waiter: CheckedContinuation<Outcome, Never>? = state.withLock { state in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: outcome)
    }

    func wait() async throws(ProviderSimulator.StartError) -> Int {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let ready: Outcome? = state.withLock { state in
                if state.outcome == nil { state.waiter = continuation }
                return state.outcome
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return try outcome.get()
    }
}
