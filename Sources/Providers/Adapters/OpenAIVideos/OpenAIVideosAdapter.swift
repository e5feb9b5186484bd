import HTTPClient
import Logging
import ProviderRegistry

/// The OpenAI-style `/v1/videos` gateway (a new-api/one-api style router). It has no balance
/// endpoint in its docs, so `balance()` answers nil; cost is the price book's unless the gateway
/// adds a cost field.
public struct OpenAIVideosAdapter: ProviderAdapter {
    public let provider = ProviderID.openAIVideos
    let requests: OpenAIVideosRequests?
    let transport: ProviderTransport

    public init(
        endpoint: ProviderEndpoint, apiKey: Secret?, encoding: OpenAIVideosRequests.BodyEncoding = .multipart,
        client: any HTTPExecuting, logger: Logger
    ) {
        self.requests = apiKey.map { OpenAIVideosRequests(endpoint: endpoint, apiKey: $0, encoding: encoding) }
        self.transport = ProviderTransport(client: client, logger: logger, provider: .openAIVideos, secrets: [apiKey])
    }

    public func submit(_ spec: ProviderJobSpec) async throws(ProviderError) -> ProviderSubmission {
        let requests = try configured()
        return try await transport.exchange(requests.submit(spec), OpenAIVideosResponses.submission)
    }

    public func status(of job: ProviderJobHandle) async throws(ProviderError) -> ProviderStatus {
        let requests = try configured()
        let contentURL = requests.contentURL(providerJobID: job.providerJobID)
        return try await transport.exchange(requests.retrieve(providerJobID: job.providerJobID)) {
            response throws(ProviderError) in
            try OpenAIVideosResponses.status(response, providerJobID: job.providerJobID, contentURL: contentURL)
        }
    }

    public func balance() async throws(ProviderError) -> BalanceSnapshot? { nil }

    private func configured() throws(ProviderError) -> OpenAIVideosRequests {
        guard let requests else { throw .missingCredential("VIDEOLEDGER_OPENAI_VIDEOS_API_KEY") }
        return requests
    }
}
