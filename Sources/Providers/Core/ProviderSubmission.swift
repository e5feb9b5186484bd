import Money

/// What a provider answered when it accepted a job. Persist it before doing anything else: the
/// provider may already have charged for it, and Venice gives `downloadURL` only here.
public struct ProviderSubmission: Sendable, Equatable {
    public var providerJobID: String
    /// The provider's precharge or estimate (NanoGPT `cost`), not the final cost.
    public var precharge: Money?
    public var paymentSource: PaymentSource?
    /// The balance left after the precharge (NanoGPT `remainingBalance`, Venice
    /// `X-Balance-Remaining`).
    public var remainingBalance: Money?
    /// Venice private models: the one-time URL of the finished file (valid 24 h, no auth).
    public var downloadURL: String?
    /// Variants the provider will make (AIMO `variants_expected`).
    public var variantsExpected: Int?
    /// A balance read just before a synchronous call (AIGate), to diff with the one after.
    public var balanceBefore: BalanceSnapshot?
    /// Synchronous providers (AIGate) answer with the finished job.
    public var finalStatus: ProviderStatus?

    public init(
        providerJobID: String,
        precharge: Money? = nil,
        paymentSource: PaymentSource? = nil,
        remainingBalance: Money? = nil,
        downloadURL: String? = nil,
        variantsExpected: Int? = nil,
        balanceBefore: BalanceSnapshot? = nil,
        finalStatus: ProviderStatus? = nil
    ) {
        self.providerJobID = providerJobID
        self.precharge = precharge
        self.paymentSource = paymentSource
        self.remainingBalance = remainingBalance
        self.downloadURL = downloadURL
        self.variantsExpected = variantsExpected
        self.balanceBefore = balanceBefore
        self.finalStatus = finalStatus
    }
}
