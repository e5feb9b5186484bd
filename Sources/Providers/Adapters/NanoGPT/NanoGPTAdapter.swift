import HTTPClient
import Logging
import ProviderRegistry

/// NanoGPT: generate-video with a precharge, status in either shape, and check-balance.
///
/// `submit` is never retried: NanoGPT precharges at submit, so a lost answer may still have
/// charged; the caller resolves the job through status or reconciliation instead.
public struct NanoGPTAdapter: ProviderAdapter {
    public let provider = ProviderID.nanoGPT
    let endpoint: ProviderEndpoint
    let requests: NanoGPTRequests?
    let transport: ProviderTransport

    public init(endpoint: ProviderEndpoint, apiKey: Secret?, client: any HTTPExecuting, logger: Logger) {
        self.endpoint = endpoint
        self.requests = apiKey.map { NanoGPTRequests(endpoint: endpoint, apiKey: $0) }
        self.transport = ProviderTransport(client: client, logger: logger, provider: .nanoGPT, secrets: [apiKey])
    }

    public func submit(_ spec: ProviderJobSpec) async throws(ProviderError) -> ProviderSubmission {
        try await transport.exchange(try configured().submit(spec), NanoGPTResponses.submission)
    }

    public func status(of job: ProviderJobHandle) async throws(ProviderError) -> ProviderStatus {
        let endpoint = self.endpoint
        return try await transport.exchange(try configured().status(providerJobID: job.providerJobID)) {
            response throws(ProviderError) in
            try NanoGPTResponses.status(
                response, providerJobID: job.providerJobID, endpoint: endpoint, paymentSource: job.paymentSource)
        }
    }

    public func balance() async throws(ProviderError) -> BalanceSnapshot? {
        try await transport.exchange(try configured().balance(), NanoGPTResponses.balance)
    }

    private func configured() throws(ProviderError) -> NanoGPTRequests {
        guard let requests else { throw .missingCredential("VIDEOLEDGER_NANOGPT_API_KEY") }
        return requests
    }
}
