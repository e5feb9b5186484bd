import HTTPClient
import Logging
import Providers

/// Builds the provider adapters the service runs with, from the environment.
///
/// With provider credentials configured (`VIDEOLEDGER_<PROVIDER>_API_KEY`, wallets, see
/// `ProviderCredentials`), each configured provider gets an adapter on its base URL
/// (`VIDEOLEDGER_<PROVIDER>_BASE_URL` or the public one). With none configured, every adapter
/// points at the provider simulator's base URLs (the demo): placeholder keys and a throwaway
/// wallet, which the simulator accepts and nothing real would.
public struct JobsEnvironment: Sendable {
    public let adapters: [Providers.ProviderID: any ProviderAdapter]
    /// The HTTP client the adapters share; shut it down when done.
    public let client: CurlHTTPClient
    /// True when the adapters point at the simulator.
    public let usesSimulator: Bool

    public enum SetupError: Error, Sendable, CustomStringConvertible {
        case noCredentialsAndNoSimulator
        case invalidBaseURL(String)
        case credentials(String)
        case httpClient(HTTPClientError)

        public var description: String {
            switch self {
            case .noCredentialsAndNoSimulator:
                return "no provider credentials are configured and no simulator base URLs were given"
            case .invalidBaseURL(let url): return "invalid provider base URL '\(url)'"
            case .credentials(let message): return "provider credentials: \(message)"
            case .httpClient(let error): return "HTTP client: \(error)"
            }
        }
    }

    /// The HTTP client configuration for provider traffic: AIGate holds a request open for up
    /// to 15 minutes, so the ceiling on request deadlines must allow it.
    public static func httpConfiguration() -> CurlHTTPClient.Configuration {
        var configuration = CurlHTTPClient.Configuration()
        configuration.timeoutMillisecondsMax = RequestLimits.synchronousGenerationTimeoutMilliseconds
        precondition(configuration.timeoutMillisecondsMax >= 900_000, "AIGate calls need a 900 s deadline")
        return configuration
    }

    /// - Parameter simulatorBaseURLs: provider id (`venice`) → base URL of a running simulator
    ///   (`RunningSimulator.baseURLs` keyed by raw value); used only when no credential is set.
    public static func make(
        environment: [String: String], simulatorBaseURLs: [String: String]? = nil,
        httpConfiguration: CurlHTTPClient.Configuration = JobsEnvironment.httpConfiguration(), logger: Logger
    ) throws(SetupError) -> JobsEnvironment {
        let credentials: ProviderCredentials
        do {
            credentials = try ProviderCredentials.fromEnvironment(environment)
        } catch {
            throw .credentials(error.description)
        }
        let client: CurlHTTPClient
        do {
            client = try CurlHTTPClient(configuration: httpConfiguration)
        } catch {
            throw .httpClient(error)
        }
        let configured = configuredProviders(credentials)
        if !configured.isEmpty {
            let endpoints: ProviderEndpoints
            do {
                endpoints = try ProviderEndpoints.fromEnvironment(environment)
            } catch {
                throw .invalidBaseURL("\(error)")
            }
            let all = ProviderAdapters.make(endpoints: endpoints, credentials: credentials, client: client, logger: logger)
            return JobsEnvironment(adapters: all.filter { configured.contains($0.key) }, client: client, usesSimulator: false)
        }
        guard let simulatorBaseURLs, !simulatorBaseURLs.isEmpty else { throw .noCredentialsAndNoSimulator }
        return JobsEnvironment(
            adapters: try simulatorAdapters(simulatorBaseURLs, client: client, logger: logger), client: client, usesSimulator: true)
    }

    /// Adapters for the simulator at these base URLs, over `client`.
    public static func simulatorAdapters(
        _ baseURLs: [String: String], client: any HTTPExecuting, logger: Logger
    ) throws(SetupError) -> [Providers.ProviderID: any ProviderAdapter] {
        var endpoints: [Providers.ProviderID: ProviderEndpoint] = [:]
        for provider in Providers.ProviderID.allCases {
            let url = baseURLs[provider.rawValue] ?? ProviderEndpoints.publicBaseURLs[provider] ?? ""
            do {
                endpoints[provider] = try ProviderEndpoint(baseURL: url)
            } catch {
                throw .invalidBaseURL(url)
            }
        }
        let placeholder = Secret("simulator")
        // A fixed, public seed: the simulator checks the signature's shape, not a registry.
        let wallet = try? SolanaKeypair(secretKeyBytes: Array(repeating: 7, count: 32))
        let credentials = ProviderCredentials(
            aimoWallet: wallet.map(WalletCredential.solana), openAIVideosAPIKey: placeholder, veniceAPIKey: placeholder,
            nanoGPTAPIKey: placeholder, aigateAPIKey: placeholder)
        let all = ProviderAdapters.make(
            endpoints: ProviderEndpoints(endpoints: endpoints), credentials: credentials, client: client, logger: logger)
        return all.filter { baseURLs[$0.key.rawValue] != nil }
    }

    static func configuredProviders(_ credentials: ProviderCredentials) -> Set<Providers.ProviderID> {
        var configured = Set<Providers.ProviderID>()
        if credentials.aimoWallet != nil { configured.insert(.aimo) }
        if credentials.openAIVideosAPIKey != nil { configured.insert(.openAIVideos) }
        if credentials.veniceAPIKey != nil || credentials.veniceWallet != nil { configured.insert(.venice) }
        if credentials.nanoGPTAPIKey != nil { configured.insert(.nanoGPT) }
        if credentials.aigateAPIKey != nil { configured.insert(.aigate) }
        return configured
    }
}

extension JobsEnvironment {
    /// `VIDEOLEDGER_<PROVIDER>_BASE_URL` values that are set, keyed by provider id: what
    /// `videoledger simulate-providers` prints, so a simulator's exports configure simulator mode.
    public static func baseURLOverrides(_ environment: [String: String]) -> [String: String] {
        var urls: [String: String] = [:]
        for provider in Providers.ProviderID.allCases {
            if let url = environment[provider.environmentPrefix + "BASE_URL"], !url.isEmpty { urls[provider.rawValue] = url }
        }
        return urls
    }
}
