/// Base URLs of the five providers: the public defaults, each overridable with
/// `VIDEOLEDGER_<PROVIDER>_BASE_URL` (for example to point at `videoledger simulate-providers`).
public struct ProviderEndpoints: Sendable, Equatable {
    public var endpoints: [ProviderID: ProviderEndpoint]

    /// The public base URLs from the providers' docs. The gateway behind `openai-videos` is the
    /// one in the seed document; the Venice base includes `/api/v1` as its docs do.
    public static let publicBaseURLs: [ProviderID: String] = [
        .aimo: "https://beta.aimo.network",
        .openAIVideos: "https://api.aiid.edu.kg",
        .venice: "https://api.venice.ai/api/v1",
        .nanoGPT: "https://nano-gpt.com",
        .aigate: "https://api.aigate.shop",
    ]

    public init(endpoints: [ProviderID: ProviderEndpoint]) {
        self.endpoints = endpoints
    }

    public subscript(provider: ProviderID) -> ProviderEndpoint {
        guard let endpoint = endpoints[provider] else {
            preconditionFailure("no endpoint for \(provider.rawValue); ProviderEndpoints is built for all five")
        }
        return endpoint
    }

    public static func fromEnvironment(_ environment: [String: String]) throws(ProviderEndpoint.InvalidURL) -> ProviderEndpoints {
        var endpoints: [ProviderID: ProviderEndpoint] = [:]
        for provider in ProviderID.allCases {
            let override = environment[provider.environmentPrefix + "BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
            let baseURL = override ?? publicBaseURLs[provider] ?? ""
            endpoints[provider] = try ProviderEndpoint(baseURL: baseURL)
        }
        return ProviderEndpoints(endpoints: endpoints)
    }
}
