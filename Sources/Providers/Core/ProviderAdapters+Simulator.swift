import HTTPClient
import Logging
import ProviderRegistry

extension ProviderAdapters {
    /// The HTTP client configuration for provider traffic: AIGate holds a request open for up
    /// to 15 minutes, so the ceiling on request deadlines must allow it.
    public static func httpConfiguration() -> CurlHTTPClient.Configuration {
        var configuration = CurlHTTPClient.Configuration()
        configuration.timeoutMillisecondsMax = RequestLimits.synchronousGenerationTimeoutMilliseconds
        precondition(configuration.timeoutMillisecondsMax >= 900_000, "AIGate calls need a 900 s deadline")
        return configuration
    }

    /// Adapters for a simulator at these base URLs (provider id → base URL), over `client`,
    /// with placeholder credentials of each provider's first kind: keys the simulator accepts
    /// and a throwaway wallet from a fixed, public seed (the simulator checks the signature's
    /// shape, not a registry). Nothing real would accept them.
    public static func simulator(
        baseURLs: [String: String], client: any HTTPExecuting, logger: Logger
    ) throws(ProviderEndpoint.InvalidURL) -> [ProviderID: any ProviderAdapter] {
        var endpoints: [ProviderID: ProviderEndpoint] = [:]
        var credentials = ProviderCredentials()
        let wallet = try? SolanaKeypair(secretKeyBytes: Array(repeating: 7, count: 32))
        for provider in ProviderID.allCases {
            guard let url = baseURLs[provider.rawValue] else { continue }
            endpoints[provider] = try ProviderEndpoint(baseURL: url)
            switch provider.descriptor.credentialVariables.first?.kind {
            case .solanaSecretKey?: credentials.byProvider[provider] = wallet.map { .wallet(.solana($0)) }
            case .apiKey?, .preSignedWalletHeader?, nil: credentials.byProvider[provider] = .apiKey(Secret("simulator"))
            }
        }
        return make(
            endpoints: ProviderEndpoints(endpoints: endpoints), credentials: credentials, client: client, logger: logger
        )
    }
}
