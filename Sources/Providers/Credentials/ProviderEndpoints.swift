/// Base URLs of the configured providers: each one's public default, overridable with
/// `VIDEOLEDGER_<PROVIDER>_BASE_URL` (for example to point at `videoledger simulate-providers`).
///
/// A credential goes only where the operator meant it to: the OpenAI-style gateway has no
/// default (it is whichever reseller the operator pays, so its key must never travel to a host
/// nobody named), and every base URL a real credential is sent to must be `https`, except on
/// loopback. Errors name the variable to fix, never a credential.
public struct ProviderEndpoints: Sendable, Equatable {
    public var endpoints: [ProviderID: ProviderEndpoint]

    /// The public base URLs from the providers' docs; the Venice base includes `/api/v1` as its
    /// docs do. The gateway has none on purpose (see above).
    public static let publicBaseURLs: [ProviderID: String] = [
        .aimo: "https://beta.aimo.network",
        .venice: "https://api.venice.ai/api/v1",
        .nanoGPT: "https://nano-gpt.com",
        .aigate: "https://api.aigate.shop",
    ]

    /// A base URL that cannot carry a credential.
    public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
        case missing(variable: String)
        case invalid(variable: String)
        case insecure(variable: String)

        public var description: String {
            switch self {
            case .missing(let variable): return "\(variable) must be set: this provider has no default base URL"
            case .invalid(let variable): return "\(variable) is not a usable http(s) URL"
            case .insecure(let variable): return "\(variable) must be an https URL (plain http is allowed only on loopback)"
            }
        }
    }

    public init(endpoints: [ProviderID: ProviderEndpoint]) {
        self.endpoints = endpoints
    }

    public subscript(provider: ProviderID) -> ProviderEndpoint? { endpoints[provider] }

    /// Endpoints for `providers` (those with credentials), from the environment and the public
    /// defaults.
    public static func fromEnvironment(
        _ environment: [String: String], for providers: Set<ProviderID>
    ) throws(ConfigurationError) -> ProviderEndpoints {
        var endpoints: [ProviderID: ProviderEndpoint] = [:]
        for provider in ProviderID.allCases where providers.contains(provider) {
            let variable = provider.environmentPrefix + "BASE_URL"
            let override = environment[variable].flatMap { $0.isEmpty ? nil : $0 }
            guard let baseURL = override ?? publicBaseURLs[provider] else { throw .missing(variable: variable) }
            guard let endpoint = try? ProviderEndpoint(baseURL: baseURL) else { throw .invalid(variable: variable) }
            guard endpoint.origin.hasPrefix("https://") || endpoint.isLoopback else { throw .insecure(variable: variable) }
            endpoints[provider] = endpoint
        }
        return ProviderEndpoints(endpoints: endpoints)
    }
}
