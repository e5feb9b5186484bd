import HTTPClient
import Logging
import ProviderRegistry
import Providers

/// Builds the provider adapters the service runs with, from the environment.
///
/// Real providers: each provider with credentials (`VIDEOLEDGER_<PROVIDER>_API_KEY`, wallets, see
/// `ProviderCredentials`) gets an adapter on its base URL; a provider without credentials is
/// *disabled*: submits to it are refused (503 `provider_disabled`) and its jobs in flight are left
/// exactly as they are. Nothing ever falls back to a simulator because a credential is missing:
/// a failed secret mount must not send real jobs to a fake provider.
///
/// Simulator mode is chosen by the caller, explicitly (`serve --simulator`,
/// `VIDEOLEDGER_SIMULATOR=true`, or `serve`'s embedded default with no credentials at all): every
/// adapter then points at the simulator's base URLs with placeholder keys and a throwaway wallet,
/// which the simulator accepts and nothing real would.
public struct JobsEnvironment: Sendable {
    public let adapters: [ProviderID: any ProviderAdapter]
    /// The HTTP client the adapters share; shut it down when done.
    public let client: CurlHTTPClient
    /// True when the adapters point at the simulator.
    public let usesSimulator: Bool
    /// Providers with no credentials, in simulator mode none.
    public let disabled: [ProviderID]

    public enum SetupError: Error, Sendable, CustomStringConvertible {
        case invalidBaseURL(String)
        case credentials(String)
        case httpClient(HTTPClientError)

        public var description: String {
            switch self {
            case .invalidBaseURL(let message): return "provider base URL: \(message)"
            case .credentials(let message): return "provider credentials: \(message)"
            case .httpClient(let error): return "HTTP client: \(error)"
            }
        }
    }

    /// `VIDEOLEDGER_SIMULATOR=true`: the CLI's explicit way into simulator mode (with the base
    /// URLs `videoledger simulate-providers` prints).
    public static func simulatorRequested(_ environment: [String: String]) -> Bool {
        environment["VIDEOLEDGER_SIMULATOR"] == "true"
    }

    /// The HTTP client configuration for provider traffic: AIGate holds a request open for up
    /// to 15 minutes, so the ceiling on request deadlines must allow it.
    public static func httpConfiguration() -> CurlHTTPClient.Configuration {
        var configuration = CurlHTTPClient.Configuration()
        configuration.timeoutMillisecondsMax = RequestLimits.synchronousGenerationTimeoutMilliseconds
        precondition(configuration.timeoutMillisecondsMax >= 900_000, "AIGate calls need a 900 s deadline")
        return configuration
    }

    /// - Parameter simulatorBaseURLs: simulator mode, chosen by the caller: provider id
    ///   (`venice`) → base URL of a running simulator. Nil: real providers, those without
    ///   credentials disabled.
    public static func make(
        environment: [String: String], simulatorBaseURLs: [String: String]? = nil,
        httpConfiguration: CurlHTTPClient.Configuration = JobsEnvironment.httpConfiguration(), logger: Logger
    ) throws(SetupError) -> JobsEnvironment {
        let client: CurlHTTPClient
        do {
            client = try CurlHTTPClient(configuration: httpConfiguration)
        } catch {
            throw .httpClient(error)
        }
        if let simulatorBaseURLs {
            return JobsEnvironment(
                adapters: try simulatorAdapters(simulatorBaseURLs, client: client, logger: logger), client: client, usesSimulator: true,
                disabled: [])
        }
        let credentials: ProviderCredentials
        do {
            credentials = try ProviderCredentials.fromEnvironment(environment)
        } catch {
            throw .credentials(error.description)
        }
        let configured = credentials.configured
        let endpoints: ProviderEndpoints
        do {
            endpoints = try ProviderEndpoints.fromEnvironment(environment, for: configured)
        } catch {
            throw .invalidBaseURL(error.description)
        }
        let adapters = ProviderAdapters.make(endpoints: endpoints, credentials: credentials, client: client, logger: logger)
        let disabled = ProviderID.allCases.filter { !configured.contains($0) }
        return JobsEnvironment(adapters: adapters, client: client, usesSimulator: false, disabled: disabled)
    }

    /// Adapters for the simulator at these base URLs, over `client`.
    public static func simulatorAdapters(
        _ baseURLs: [String: String], client: any HTTPExecuting, logger: Logger
    ) throws(SetupError) -> [ProviderID: any ProviderAdapter] {
        var endpoints: [ProviderID: ProviderEndpoint] = [:]
        for provider in ProviderID.allCases {
            guard let url = baseURLs[provider.rawValue] else { continue }
            do {
                endpoints[provider] = try ProviderEndpoint(baseURL: url)
            } catch {
                throw .invalidBaseURL(url)
            }
        }
        let placeholder = Secret("simulator")
        // A fixed, public seed: the simulator checks the signature's shape, not a registry.
        let wallet = try? SolanaKeypair(secretKeyBytes: Array(repeating: 7, count: 32))
        var credentials = ProviderCredentials()
        for provider in ProviderID.allCases {
            switch provider.descriptor.credentialVariables.first?.kind {
            case .solanaSecretKey?: credentials.byProvider[provider] = wallet.map { .wallet(.solana($0)) }
            case .apiKey?, .preSignedWalletHeader?, nil: credentials.byProvider[provider] = .apiKey(placeholder)
            }
        }
        return ProviderAdapters.make(
            endpoints: ProviderEndpoints(endpoints: endpoints), credentials: credentials, client: client, logger: logger)
    }
}

extension JobsEnvironment {
    /// `VIDEOLEDGER_<PROVIDER>_BASE_URL` values that are set, keyed by provider id: what
    /// `videoledger simulate-providers` prints, so a simulator's exports configure simulator mode.
    public static func baseURLOverrides(_ environment: [String: String]) -> [String: String] {
        var urls: [String: String] = [:]
        for provider in ProviderID.allCases {
            if let url = environment[provider.baseURLVariable], !url.isEmpty { urls[provider.rawValue] = url }
        }
        return urls
    }

    /// The CLI's choice: simulator mode with the exported base URLs when asked for, else real
    /// providers.
    public static func fromCLIEnvironment(_ environment: [String: String], logger: Logger) throws(SetupError) -> JobsEnvironment {
        try make(environment: environment, simulatorBaseURLs: simulatorRequested(environment) ? baseURLOverrides(environment) : nil, logger: logger)
    }
}
