import HTTPClient
import Logging
import ProviderRegistry

/// AIGate: generation is synchronous (10–15 minutes with the connection open), so `submit`
/// returns the finished job in `finalStatus` and there is nothing to poll.
///
/// Cost: AIGate reports none per call. `submit` reads `/v1/balance` just before and just after
/// the call (`balanceBefore`, `finalStatus.balance`); the `spentToDate` difference is the call's
/// cost only if nothing else used the same key in between, which Settlement knows and this
/// adapter does not. A failed balance read does not stop the job.
///
/// A transport error or timeout from `submit` leaves the outcome unknown: AIGate may have
/// rendered and charged anyway. `submit` is never retried here.
public struct AIGateAdapter: ProviderAdapter {
    public let provider = ProviderID.aigate
    let requests: AIGateRequests?
    let generationTimeoutMilliseconds: Int
    let transport: ProviderTransport

    public init(
        endpoint: ProviderEndpoint, apiKey: Secret?, client: any HTTPExecuting, logger: Logger,
        generationTimeoutMilliseconds: Int = RequestLimits.synchronousGenerationTimeoutMilliseconds
    ) {
        self.requests = apiKey.map { AIGateRequests(endpoint: endpoint, apiKey: $0) }
        self.generationTimeoutMilliseconds = generationTimeoutMilliseconds
        self.transport = ProviderTransport(client: client, logger: logger, provider: .aigate, secrets: [apiKey])
    }

    public func submit(_ spec: ProviderJobSpec) async throws(ProviderError) -> ProviderSubmission {
        let requests = try configured()
        let before = try? await balance()
        var status = try await transport.exchange(
            requests.generate(spec, timeoutMilliseconds: generationTimeoutMilliseconds), AIGateResponses.generation)
        status.balance = try? await balance()
        return ProviderSubmission(
            providerJobID: status.providerJobID, paymentSource: status.paymentSource, balanceBefore: before,
            finalStatus: status)
    }

    public func status(of job: ProviderJobHandle) async throws(ProviderError) -> ProviderStatus {
        throw .unsupported("AIGate has no status endpoint: its generation call answers with the finished job")
    }

    public func balance() async throws(ProviderError) -> BalanceSnapshot? {
        try await transport.exchange(try configured().balance(), AIGateResponses.balance)
    }

    private func configured() throws(ProviderError) -> AIGateRequests {
        guard let requests else { throw .missingCredential("VIDEOLEDGER_AIGATE_API_KEY") }
        return requests
    }
}
