import Foundation
import HTTPClient
import Logging
import ProviderRegistry
import ProviderSimulator
import Testing

@testable import Providers

/// Runs `body` against a freshly started simulator on free loopback ports, with adapters built
/// the way the service builds them, over the client from `makeTestHTTPClient()`.
struct Loopback {
    let running: RunningSimulator
    let client: any HTTPExecuting
    let endpoints: ProviderEndpoints
    let logger = Logger(label: "loopback-test")

    @discardableResult
    static func with<T>(defaults: String = "", _ body: (Loopback) async throws -> T) async throws -> T {
        var configuration = SimulatorConfiguration.ephemeralPorts()
        configuration.defaults = defaults
        let running = try await ProviderSimulator.start(configuration)
        var map: [ProviderID: ProviderEndpoint] = [:]
        for (provider, url) in running.baseURLs {
            guard let id = ProviderID(rawValue: provider.rawValue) else { continue }
            map[id] = try ProviderEndpoint(baseURL: url)
        }
        let loopback = Loopback(
            running: running, client: try makeTestHTTPClient(), endpoints: ProviderEndpoints(endpoints: map))
        do {
            let result = try await body(loopback)
            await running.stop()
            return result
        } catch {
            await running.stop()
            throw error
        }
    }

    /// AIMO signing with the RFC 8032 test key, or with `wallet` when given.
    func aimo(wallet: WalletCredential? = nil) throws -> AIMOAdapter {
        let signer = try wallet ?? .solana(WalletTests.keypair())
        return AIMOAdapter(endpoint: endpoints[.aimo]!, wallet: signer, client: client, logger: logger)
    }

    func openAIVideos(_ encoding: OpenAIVideosRequests.BodyEncoding = .multipart) -> OpenAIVideosAdapter {
        OpenAIVideosAdapter(
            endpoint: endpoints[.openAIVideos]!, apiKey: Secret("sk-test"), encoding: encoding, client: client,
            logger: logger)
    }

    func venice(_ auth: VeniceAuth = .apiKey(Secret("venice-test"))) -> VeniceAdapter {
        VeniceAdapter(endpoint: endpoints[.venice]!, auth: auth, client: client, logger: logger)
    }

    func nanoGPT() -> NanoGPTAdapter {
        NanoGPTAdapter(endpoint: endpoints[.nanoGPT]!, apiKey: Secret("nano-test"), client: client, logger: logger)
    }

    func aigate(generationTimeoutMilliseconds: Int = 30_000) -> AIGateAdapter {
        AIGateAdapter(
            endpoint: endpoints[.aigate]!, apiKey: Secret("sk-test"), client: client, logger: logger,
            generationTimeoutMilliseconds: generationTimeoutMilliseconds)
    }

    /// Sets a provider's scenario defaults, fault rates or balances through `/_sim/scenario`.
    func control(_ provider: ProviderID, _ pairs: String) async throws {
        let url = try #require(running.controlURL(provider)) + "/scenario"
        let response = try await client.execute(HTTPRequest(method: .post, url: url, body: Array(pairs.utf8)))
        guard response.status == 200 else {
            throw ProviderError.unavailable(status: response.status, message: "control")
        }
    }

    /// Polls until the job is terminal; at most `attemptsMax` polls, `pauseMilliseconds` apart.
    func pollUntilTerminal(
        _ adapter: some ProviderAdapter, _ job: ProviderJobHandle, attemptsMax: Int = 100, pauseMilliseconds: Int = 100
    ) async throws -> (final: ProviderStatus, seen: [ProviderStatus]) {
        var seen: [ProviderStatus] = []
        for _ in 0..<attemptsMax {
            let status = try await adapter.status(of: job)
            seen.append(status)
            if status.state.isTerminal { return (status, seen) }
            try await Task.sleep(for: .milliseconds(pauseMilliseconds))
        }
        throw ProviderError.malformedResponse(reason: "job \(job.providerJobID) never finished")
    }
}

func prompt(_ scenario: String) -> String { "a lighthouse at dusk sim: \(scenario)" }
