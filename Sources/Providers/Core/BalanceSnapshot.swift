import Money

/// A provider balance as reported at one moment. Settlement compares successive snapshots with
/// the charges it recorded; reconciliation reads them from the ledger.
public struct BalanceSnapshot: Sendable, Equatable {
    /// What is left to spend, one entry per currency the provider reports (NanoGPT reports USD
    /// and XNO at once).
    public var available: [Money]
    /// A counter of everything spent so far, where the provider keeps one (AIGate `token.used`).
    /// Two readings around a request give that request's cost when nothing else ran in between.
    public var spentToDate: Money?

    public init(available: [Money], spentToDate: Money? = nil) {
        self.available = available
        self.spentToDate = spentToDate
    }

    /// The available amount in one currency.
    public func available(in currency: Currency) -> Money? {
        available.first { $0.currency == currency }
    }
}
