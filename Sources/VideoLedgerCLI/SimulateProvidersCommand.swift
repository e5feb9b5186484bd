import ArgumentParser
import Dispatch
import Foundation
import ProviderRegistry
import ProviderSimulator

/// `videoledger simulate-providers`: serves the five provider APIs on loopback until Ctrl-C,
/// and prints the environment that points VideoLedger's adapters at them.
struct SimulateProvidersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-providers",
        abstract: "Serve simulated AIMO, OpenAI-videos, Venice, NanoGPT and AIGate APIs on loopback.",
        discussion: """
            Each provider listens on its own port (base port + 0..4 in the order aimo, openai-videos, \
            venice, nanogpt, aigate). Script a job from its prompt with 'sim: complete_after_ms=2000 \
            billed_seconds=6 final_cost=0.40 outcome=failed refund=true', or set defaults and fault \
            rates with POST /_sim/scenario on a provider's port. See Sources/ProviderSimulator/README.md.
            """
    )

    @Option(help: "Address to listen on. Keep it on loopback.")
    var host = "127.0.0.1"

    @Option(help: "First port; the providers take this one and the next four. 0 picks free ports.")
    var basePort = 18_080

    @Option(name: .customLong("port"), help: "Override one provider's port, as provider=port (repeatable).")
    var portOverrides: [String] = []

    @Option(help: "Scenario defaults and fault rates for every provider, e.g. 'complete_after_ms=5000 rate_429=0.05'.")
    var defaults = ""

    @Option(help: "Seed for the random fault draws.")
    var seed: UInt64 = 1

    @Option(help: "Jobs kept per provider.")
    var jobsMax = 10_000

    func run() async throws {
        var configuration = SimulatorConfiguration()
        configuration.host = host
        configuration.basePort = basePort
        configuration.defaults = defaults
        configuration.seed = seed
        configuration.jobsMaxPerProvider = jobsMax
        if basePort == 0 {
            configuration.ports = Dictionary(uniqueKeysWithValues: ProviderID.allCases.map { ($0, 0) })
        }
        for override in portOverrides {
            let parts = override.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let provider = ProviderID(rawValue: parts[0]), let port = Int(parts[1]) else {
                throw ValidationError(
                    "--port expects provider=port with provider one of \(ProviderID.allCases.map(\.rawValue))")
            }
            configuration.ports[provider] = port
        }
        let running = try await ProviderSimulator.start(configuration)
        print("Provider simulator running. Point VideoLedger at it with:")
        print("  export VIDEOLEDGER_SIMULATOR=true")
        for provider in ProviderID.allCases {
            guard let baseURL = running.baseURLs[provider] else { continue }
            print("  export \(provider.baseURLVariable)=\(baseURL)")
        }
        print("Control: POST http://\(host):<port>/_sim/scenario, GET http://\(host):<port>/_sim/state. Ctrl-C stops.")
        fflush(nil)  // all streams: scripts read the exports from a pipe
        await Self.waitForTerminationSignal()
        await running.stop()
    }

    /// Returns on SIGINT or SIGTERM.
    private static func waitForTerminationSignal() async {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.finish() }
            source.resume()
            return source
        }
        for await _ in stream {}
        for source in sources { source.cancel() }
    }
}
