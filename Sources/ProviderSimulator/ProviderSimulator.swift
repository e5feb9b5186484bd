import Hummingbird
import Synchronization

/// Serves the five provider APIs on loopback with scripted behaviour: for tests, benchmarks, the
/// demo, and local development (`videoledger simulate-providers`). See README.md.
public enum ProviderSimulator {
    public enum StartError: Error, Sendable, CustomStringConvertible {
        case couldNotListen(provider: SimulatedProvider, port: Int, reason: String)

        public var description: String {
            switch self {
            case .couldNotListen(let provider, let port, let reason): return "\(provider.rawValue) could not listen on port \(port): \(reason)"
            }
        }
    }

    /// Starts one server per configured provider and returns once all are listening.
    public static func start(_ configuration: SimulatorConfiguration) async throws(StartError) -> RunningSimulator {
        var servers: [RunningSimulator.Server] = []
        for provider in SimulatedProvider.allCases where configuration.providers.contains(provider) {
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
        _ provider: SimulatedProvider, configuration: SimulatorConfiguration
    ) async throws(StartError) -> RunningSimulator.Server {
        let state = SimulationState(
            provider: provider, balancesMicros: configuration.balancesMicros[provider] ?? [:],
            jobsMax: configuration.jobsMaxPerProvider, seed: configuration.seed &+ UInt64(provider.portOffset))
        _ = state.configure(ScenarioText.pairs(configuration.defaults))
        let responder = SimulatorResponder(
            provider: provider, simulation: simulation(provider, state: state), requestBodyBytesMax: configuration.requestBodyBytesMax)
        let requestedPort = configuration.port(for: provider)
        let listening = ListeningSignal()
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: requestedPort), serverName: nil),
            onServerRunning: { channel in listening.report(.success(channel.localAddress?.port ?? requestedPort)) }
        )
        let task = Task {
            do {
                try await application.run()
                listening.report(.failure(.couldNotListen(provider: provider, port: requestedPort, reason: "server stopped")))
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
        return RunningSimulator.Server(provider: provider, port: port, task: task)
    }

    private static func simulation(_ provider: SimulatedProvider, state: SimulationState) -> any ProviderSimulation {
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
    private let state = Mutex<(result: Result<Int, ProviderSimulator.StartError>?, waiter: CheckedContinuation<Int, any Error>?)>((nil, nil))

    func report(_ result: Result<Int, ProviderSimulator.StartError>) {
        let waiter: CheckedContinuation<Int, any Error>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result.mapError { $0 as any Error })
    }

    func wait() async throws(ProviderSimulator.StartError) -> Int {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let ready: Result<Int, ProviderSimulator.StartError>? = state.withLock { state in
                    if state.result == nil { state.waiter = continuation }
                    return state.result
                }
                if let ready { continuation.resume(with: ready.mapError { $0 as any Error }) }
            }
        } catch let error as ProviderSimulator.StartError {
            throw error
        } catch {
            throw .couldNotListen(provider: .aimo, port: 0, reason: "\(error)")
        }
    }
}
