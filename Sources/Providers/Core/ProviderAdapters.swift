import HTTPClient
import Logging

/// Builds the five adapters from endpoints and credentials. An adapter without a credential is
/// still built and answers `ProviderError.missingCredential`, so a misconfiguration shows up on
/// the job that needs it rather than at start-up.
public enum ProviderAdapters {
    public static func make(
        endpoints: ProviderEndpoints, credentials: ProviderCredentials, client: any HTTPExecuting, logger: Logger
    ) -> [ProviderID: any ProviderAdapter] {
        let veniceAuth: VeniceAuth? = credentials.veniceAPIKey.map(VeniceAuth.apiKey) ?? credentials.veniceWallet.map(VeniceAuth.wallet)
        return [
            .aimo: AIMOAdapter(endpoint: endpoints[.aimo], wallet: credentials.aimoWallet, client: client, logger: logger),
            .openAIVideos: OpenAIVideosAdapter(
                endpoint: endpoints[.openAIVideos], apiKey: credentials.openAIVideosAPIKey, client: client, logger: logger),
            .venice: VeniceAdapter(endpoint: endpoints[.venice], auth: veniceAuth, client: client, logger: logger),
            .nanoGPT: NanoGPTAdapter(endpoint: endpoints[.nanoGPT], apiKey: credentials.nanoGPTAPIKey, client: client, logger: logger),
            .aigate: AIGateAdapter(endpoint: endpoints[.aigate], apiKey: credentials.aigateAPIKey, client: client, logger: logger),
        ]
    }
}
