import HTTPClient
import Logging
import ProviderRegistry

/// Builds an adapter for every provider that has an endpoint: the one place that knows which
/// adapter type serves which `ProviderID` (the `switch` is exhaustive, so a new provider is a
/// compile error here until its adapter exists). An adapter whose credential is missing answers
/// `ProviderError.missingCredential`.
public enum ProviderAdapters {
    public static func make(
        endpoints: ProviderEndpoints, credentials: ProviderCredentials, client: any HTTPExecuting, logger: Logger
    ) -> [ProviderID: any ProviderAdapter] {
        var adapters: [ProviderID: any ProviderAdapter] = [:]
        for (provider, endpoint) in endpoints.endpoints {
            let credential = credentials[provider]
            switch provider {
            case .aimo:
                adapters[provider] = AIMOAdapter(
                    endpoint: endpoint, wallet: credential?.wallet, client: client, logger: logger)
            case .openAIVideos:
                adapters[provider] = OpenAIVideosAdapter(
                    endpoint: endpoint, apiKey: credential?.apiKey, client: client, logger: logger)
            case .venice:
                adapters[provider] = VeniceAdapter(
                    endpoint: endpoint, auth: VeniceAuth(credential), client: client, logger: logger)
            case .nanoGPT:
                adapters[provider] = NanoGPTAdapter(
                    endpoint: endpoint, apiKey: credential?.apiKey, client: client, logger: logger)
            case .aigate:
                adapters[provider] = AIGateAdapter(
                    endpoint: endpoint, apiKey: credential?.apiKey, client: client, logger: logger)
            }
        }
        return adapters
    }
}

extension VeniceAuth {
    /// A Bearer key, or a Solana wallet; nil for no credential or one Venice cannot use.
    init?(_ credential: ProviderCredential?) {
        switch credential {
        case .apiKey(let key): self = .apiKey(key)
        case .wallet(.solana(let keypair)): self = .wallet(keypair)
        case .wallet(.preSignedHeader), nil: return nil
        }
    }
}
