import HTTPClient
import Logging
import ProviderRegistry
import Providers

/// Builds the provider adapters the service runs with, from the environment: the executable's
/// wiring of Providers to Jobs (tests build adapters with `ProviderAdapters.simulator`).
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
struct JobsEnvironment: Sendable {
    let adapters: [ProviderID: any ProviderAdapter]
    /// The HTTP client the adapters share; shut it down when done.
    let client: CurlHTTPClient
    /// True when the adapters point at the simulator.
    let usesSimulator: Bool
    /// Providers with no credentials, in simulator mode none.
    let disabled: [ProviderID]

    enum SetupError: Error, Sendable, CustomStringConvertible {
        case invalidBaseURL(String)
        case credentials(String)
        case httpClient(HTTPClientError)

        var description: String {
            switch self {
            case .invalidBaseURL(let message): return "provider base URL: \(message)"
            case .credentials(let message): return "provider credentials: \(message)"
            case .httpClient(let error): return "HTTP client: \(error)"
            }
        }
    }

    /// `VIDEOLEDGER_SIMULATOR=true`: the CLI's explicit way into simulator mode (with the base
    /// URLs `videoledger simulate-providers` prints).
    static func simulatorRequested(_ environment: [String: String]) -> Bool {
        environment["VIDEOLEDGER_SIMULATOR"] == "true"
    }

    /// - Parameter simulatorBaseURLs: simulator mode, chosen by the caller: provider id
    ///   (`venice`) → base URL of a running simulator. Nil: real providers, those without
    ///   credentials disabled.
    static func make(
        environment: [String: String], simulatorBaseURLs: [String: String]? = nil,
        httpConfiguration: CurlHTTPClient.Configuration = ProviderAdapters.httpConfiguration(), logger: Logger
    ) throws(SetupError) -> JobsEnvironment {
        let client: CurlHTTPClient
        do {
            client = try CurlHTTPClient(configuration: httpConfiguration)
        } catch {
            throw .httpClient(error)
        }
        if let simulatorBaseURLs {
            let adapters: [ProviderID: any ProviderAdapter]
            do {
                adapters = try ProviderAdapters.simulator(baseURLs: simulatorBaseURLs, client: client, logger: logger)
            } catch {
                throw .invalidBaseURL("\(error)")
            }
            return JobsEnvironment(adapters: adapters, client: client, usesSimulator: true, disabled: [])
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
        let adapters = ProviderAdapters.make(
            endpoints: endpoints, credentials: credentials, client: client, logger: logger)
        let disabled = ProviderID.allCases.filter { !configured.contains($0) }
        return JobsEnvironment(adapters: adapters, client: client, usesSimulator: false, disabled: disabled)
    }
}

extension JobsEnvironment {
    /// `VIDEOLEDGER_<PROVIDER>_BASE_URL` values that are set, keyed by provider id: what
    /// `videoledger simulate-providers` prints, so a simulator's exports configure simulator mode.
    static func baseURLOverrides(_ environment: [String: String]) -> [String: String] {
        var urls: [String: String] = [:]
        for provider in ProviderID.allCases {
            if let url = environment[provider.baseURLVariable], !url.isEmpty { urls[provider.rawValue] = url }
        }
        return urls
    }

    /// The CLI's choice: simulator mode with the exported base URLs when asked for, else real
    /// providers.
    static func fromCLIEnvironment(_ environment: [String: String], logger: Logger) throws(SetupError)
        -> JobsEnvironment
    {
        try make(
            environment: environment,
            simulatorBaseURLs: simulatorRequested(environment) ? baseURLOverrides(environment) : nil, logger: logger)
    }
}
