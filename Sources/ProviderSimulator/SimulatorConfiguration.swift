import ProviderRegistry

/// How to run the simulator: where to listen, how much to keep, starting balances and defaults.
public struct SimulatorConfiguration: Sendable {
    /// Loopback only by default: the simulator is for local development and tests.
    public var host = "127.0.0.1"
    /// aimo listens on `basePort`, openai-videos on +1, venice +2, nanogpt +3, aigate +4.
    public var basePort = 18_080
    /// Per-provider ports overriding `basePort`; 0 asks the system for a free port.
    public var ports: [ProviderID: Int] = [:]
    public var providers: Set<ProviderID> = Set(ProviderID.allCases)
    /// Jobs kept per provider; the oldest finished ones make room, and a submit is refused with
    /// 503 when every kept job is still running.
    public var jobsMaxPerProvider = 10_000
    /// Larger request bodies are refused with 413.
    public var requestBodyBytesMax = 1024 * 1024
    /// Starting balances in micro-units by currency code, per provider.
    public var balancesMicros: [ProviderID: [String: Int64]] = [
        .aimo: ["USDC": 100_000_000],
        .openAIVideos: ["USD": 100_000_000],
        .venice: ["USD": 100_000_000],
        .nanoGPT: ["USD": 100_000_000, "XNO": 50_000_000],
        .aigate: ["USD": 100_000_000],
    ]
    /// `key=value` pairs applied to every provider at start, as `POST /_sim/scenario` would.
    public var defaults = ""
    /// Seeds the fault draws, so a run is repeatable.
    public var seed: UInt64 = 1

    public init() {}

    /// Every provider on a free port: what tests use.
    public static func ephemeralPorts() -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration()
        configuration.ports = Dictionary(uniqueKeysWithValues: ProviderID.allCases.map { ($0, 0) })
        return configuration
    }

    func port(for provider: ProviderID) -> Int { ports[provider] ?? basePort + provider.order }
}
