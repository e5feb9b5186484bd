import ProviderRegistry

/// Base URLs of the configured providers: each one's public default, overridable with
/// `VIDEOLEDGER_<PROVIDER>_BASE_URL` (for example to point at `videoledger simulate-providers`).
///
/// A credential goes only where the operator meant it to, by the rules of each provider's
/// descriptor: a provider without a default base URL (the OpenAI-style gateway) must be named,
/// and a base URL a real credential is sent to must be `https` where the descriptor says so,
/// except on loopback. Errors name the variable to fix, never a credential.
public struct ProviderEndpoints: Sendable, Equatable {
    public var endpoints: [ProviderID: ProviderEndpoint]

    /// A base URL that cannot carry a credential.
    public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
        case missing(variable: String)
        case invalid(variable: String)
        case insecure(variable: String)

        public var description: String {
            switch self {
            case .missing(let variable): return "\(variable) must be set: this provider has no default base URL"
            case .invalid(let variable): return "\(variable) is not a usable http(s) URL"
            case .insecure(let variable):
                return "\(variable) must be an https URL (plain http is allowed only on loopback)"
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
            let variable = provider.baseURLVariable
            let override = environment[variable].flatMap { $0.isEmpty ? nil : $0 }
            guard let baseURL = override ?? provider.descriptor.defaultBaseURL else {
                throw .missing(variable: variable)
            }
            guard let endpoint = try? ProviderEndpoint(baseURL: baseURL) else { throw .invalid(variable: variable) }
            guard !provider.descriptor.requiresHTTPS || endpoint.origin.hasPrefix("https://") || endpoint.isLoopback
            else {
                throw .insecure(variable: variable)
            }
            endpoints[provider] = endpoint
        }
        return ProviderEndpoints(endpoints: endpoints)
    }
}
