import HTTPClient
import Logging

/// Builds an adapter for every provider that has an endpoint. An adapter whose credential is
/// missing answers `ProviderError.missingCredential`.
public enum ProviderAdapters {
    public static func make(
        endpoints: ProviderEndpoints, credentials: ProviderCredentials, client: any HTTPExecuting, logger: Logger
    ) -> [ProviderID: any ProviderAdapter] {
        let veniceAuth: VeniceAuth? = credentials.veniceAPIKey.map(VeniceAuth.apiKey) ?? credentials.veniceWallet.map(VeniceAuth.wallet)
        var adapters: [ProviderID: any ProviderAdapter] = [:]
        for (provider, endpoint) in endpoints.endpoints {
            switch provider {
            case .aimo: adapters[provider] = AIMOAdapter(endpoint: endpoint, wallet: credentials.aimoWallet, client: client, logger: logger)
            case .openAIVideos:
                adapters[provider] = OpenAIVideosAdapter(
                    endpoint: endpoint, apiKey: credentials.openAIVideosAPIKey, client: client, logger: logger)
            case .venice: adapters[provider] = VeniceAdapter(endpoint: endpoint, auth: veniceAuth, client: client, logger: logger)
            case .nanoGPT: adapters[provider] = NanoGPTAdapter(endpoint: endpoint, apiKey: credentials.nanoGPTAPIKey, client: client, logger: logger)
            case .aigate: adapters[provider] = AIGateAdapter(endpoint: endpoint, apiKey: credentials.aigateAPIKey, client: client, logger: logger)
            }
        }
        return adapters
    }
}
