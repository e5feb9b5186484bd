import HTTPClient
import Logging
import ProviderRegistry

/// AIMO Network: queue, retrieve and balance, each request signed with a fresh
/// `SIGN-IN-WITH-X` header (the SDK signs every request; messages expire after an hour).
public struct AIMOAdapter: ProviderAdapter {
    public let provider = ProviderID.aimo
    let requests: AIMORequests
    let wallet: WalletCredential?
    let clock: WallClock
    let transport: ProviderTransport

    public init(
        endpoint: ProviderEndpoint, wallet: WalletCredential?, client: any HTTPExecuting, clock: WallClock = .system,
        logger: Logger
    ) {
        self.requests = AIMORequests(endpoint: endpoint)
        self.wallet = wallet
        self.clock = clock
        let presigned: Secret? = if case .preSignedHeader(let header) = wallet { header } else { nil }
        self.transport = ProviderTransport(client: client, logger: logger, provider: .aimo, secrets: [presigned])
    }

    public func submit(_ spec: ProviderJobSpec) async throws(ProviderError) -> ProviderSubmission {
        try await send(requests.submit(spec), AIMOResponses.submission)
    }

    public func status(of job: ProviderJobHandle) async throws(ProviderError) -> ProviderStatus {
        try await send(requests.retrieve(providerJobID: job.providerJobID)) { response throws(ProviderError) in
            try AIMOResponses.status(response, providerJobID: job.providerJobID)
        }
    }

    public func balance() async throws(ProviderError) -> BalanceSnapshot? {
        try await send(requests.balance(), AIMOResponses.balance)
    }

    private func send<Parsed>(
        _ request: HTTPRequest, _ parse: (HTTPResponse) throws(ProviderError) -> Parsed
    ) async throws(ProviderError) -> Parsed {
        guard let wallet else {
            throw .missingCredential("VIDEOLEDGER_AIMO_SOLANA_SECRET_KEY or VIDEOLEDGER_AIMO_EVM_SIWX_HEADER")
        }
        let signed = try AIMORequests.authorize(
            request, wallet: wallet, nowUnixMilliseconds: clock.nowUnixMilliseconds())
        return try await transport.exchange(signed, parse)
    }
}
