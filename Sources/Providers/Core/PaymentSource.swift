import Money

/// Which balance paid for a job, as the provider reports it: NanoGPT's `paymentSource`
/// (`"USD"` or `"XNO"`), or the kind of credential the adapter used.
public enum PaymentSource: Sendable, Equatable {
    /// An account balance in a currency (NanoGPT USD or XNO, AIGate USD, Venice API-key USD).
    case accountBalance(Currency)
    /// A prepaid x402 wallet balance authenticated with Sign-In-With-X (AIMO, Venice).
    case walletBalance(Currency)
    /// The provider named a source this code does not know; kept verbatim for reconciliation.
    case other(String)
}
