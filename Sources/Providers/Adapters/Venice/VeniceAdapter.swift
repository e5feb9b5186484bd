import HTTPClient
import Logging
import Money
import ProviderRegistry

/// Venice: quote, queue, retrieve and balance.
///
/// `submit` is never retried, here or by the caller blindly: Venice can accept and bill a job
/// before a 5xx or a timeout reaches us (docs/providers.md, Venice), so a failed submit leaves the job's
/// outcome unknown until someone looks. The `download_url` of a private model is returned only
/// once: persist the submission before anything else.
public struct VeniceAdapter: ProviderAdapter {
    public let provider = ProviderID.venice
    let requests: VeniceRequests
    let auth: VeniceAuth?
    let clock: WallClock
    let transport: ProviderTransport

    public init(
        endpoint: ProviderEndpoint, auth: VeniceAuth?, client: any HTTPExecuting, clock: WallClock = .system,
        logger: Logger,
        quoteTimeoutMilliseconds: Int = VeniceRequests.defaultQuoteTimeoutMilliseconds
    ) {
        self.requests = VeniceRequests(endpoint: endpoint, quoteTimeoutMilliseconds: quoteTimeoutMilliseconds)
        self.auth = auth
        self.clock = clock
        let apiKey: Secret? = if case .apiKey(let key) = auth { key } else { nil }
        self.transport = ProviderTransport(client: client, logger: logger, provider: .venice, secrets: [apiKey])
    }

    /// Venice's live price for the job, in USD. Charges nothing, creates no job.
    public func quote(_ spec: ProviderJobSpec) async throws(ProviderError) -> Money {
        try await transport.exchange(requests.quote(spec, auth: try header()), VeniceResponses.quote)
    }

    public func submit(_ spec: ProviderJobSpec) async throws(ProviderError) -> ProviderSubmission {
        let (auth, header) = try authAndHeader()
        return try await transport.exchange(requests.queue(spec, auth: header)) { response throws(ProviderError) in
            try VeniceResponses.submission(response, paymentSource: auth.paymentSource)
        }
    }

    public func status(of job: ProviderJobHandle) async throws(ProviderError) -> ProviderStatus {
        let request = requests.retrieve(job, auth: try header())
        do {
            return try await transport.exchange(request) { response throws(ProviderError) in
                try VeniceResponses.status(response, job: job)
            }
        } catch .transport(.responseTooLarge(let limitBytes)) {
            return VeniceResponses.status(afterTooLargeBody: limitBytes, job: job)
        }
    }

    public func balance() async throws(ProviderError) -> BalanceSnapshot? {
        let (auth, header) = try authAndHeader()
        switch auth {
        case .apiKey:
            return try await transport.exchange(requests.apiKeyBalance(auth: header), VeniceResponses.apiKeyBalance)
        case .wallet(let keypair):
            let request = requests.walletBalance(address: keypair.address, auth: header)
            return try await transport.exchange(request, VeniceResponses.walletBalance)
        }
    }

    private func header() throws(ProviderError) -> HTTPHeader { try authAndHeader().1 }

    private func authAndHeader() throws(ProviderError) -> (VeniceAuth, HTTPHeader) {
        guard let auth else {
            throw .missingCredential("VIDEOLEDGER_VENICE_API_KEY or VIDEOLEDGER_VENICE_SOLANA_SECRET_KEY")
        }
        let header = try auth.header(
            baseURL: requests.endpoint.baseURL, nowUnixMilliseconds: clock.nowUnixMilliseconds(),
            nonce: SignInWithX.freshNonce())
        return (auth, header)
    }
}
