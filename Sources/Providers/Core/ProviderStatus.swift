import Money

/// One normalized answer to "where is this job?", whatever shape the provider used.
public struct ProviderStatus: Sendable, Equatable {
    public var providerJobID: String
    public var state: ProviderJobState
    /// 0–100 where the provider says.
    public var progressPercent: Int?
    /// Estimated time to completion, in milliseconds, where the provider gives one.
    public var etaMilliseconds: Int64?
    /// Finished files, as absolute URLs. Credentials must not be sent to a URL whose origin is
    /// not the provider's (`ProviderEndpoint.isSameOrigin`).
    public var resultURLs: [String]
    /// The finished video came back in the status response itself (Venice `video/mp4`). The
    /// body is not kept; fetch the file again with the same request.
    public var inlineResult: InlineResult?
    /// Seconds the provider says it billed, when it says (OpenAI-style `seconds`).
    public var billedSeconds: Int?
    /// The final cost as the provider reports it (NanoGPT status `cost`, a gateway's `cost`).
    public var reportedCost: Money?
    /// A balance the same response reported.
    public var balance: BalanceSnapshot?
    public var paymentSource: PaymentSource?
    /// The provider says it refunded the charge (Venice `credits_refunded`, NanoGPT failures).
    public var refunded: Bool
    /// The provider's failure message, shortened; never contains credentials.
    public var failureReason: String?
    /// When assets expire, unix milliseconds (OpenAI `expires_at`, normalized).
    public var expiresAtUnixMilliseconds: Int64?

    public init(
        providerJobID: String,
        state: ProviderJobState,
        progressPercent: Int? = nil,
        etaMilliseconds: Int64? = nil,
        resultURLs: [String] = [],
        inlineResult: InlineResult? = nil,
        billedSeconds: Int? = nil,
        reportedCost: Money? = nil,
        balance: BalanceSnapshot? = nil,
        paymentSource: PaymentSource? = nil,
        refunded: Bool = false,
        failureReason: String? = nil,
        expiresAtUnixMilliseconds: Int64? = nil
    ) {
        self.providerJobID = providerJobID
        self.state = state
        self.progressPercent = progressPercent
        self.etaMilliseconds = etaMilliseconds
        self.resultURLs = resultURLs
        self.inlineResult = inlineResult
        self.billedSeconds = billedSeconds
        self.reportedCost = reportedCost
        self.balance = balance
        self.paymentSource = paymentSource
        self.refunded = refunded
        self.failureReason = failureReason
        self.expiresAtUnixMilliseconds = expiresAtUnixMilliseconds
    }
}

/// A finished video that arrived as the body of a status response.
public enum InlineResult: Sendable, Equatable {
    /// The whole file was read: its size. Venice answers a silent moderation rejection with a
    /// tiny placeholder MP4 (under about 100 KB at 720p / 5 s, per a public client), so the size
    /// is worth keeping.
    case bytes(Int)
    /// The file was larger than the status request's `responseBytesMax` and was not read.
    case largerThan(Int)
}
