/// A currency (or stable-coin asset) an amount is kept in. Prices are quoted in USD; a job paid
/// from another source keeps its amount in that source's currency and the rate used.
public enum Currency: String, Sendable, Hashable, CaseIterable, Codable {
    /// US dollars: API-key balances and every price book.
    case usd = "USD"
    /// Nano: NanoGPT's `paymentSource: "XNO"`.
    case xno = "XNO"
    /// USDC on Solana or Base: x402 wallets (AIMO, Venice). 1 USDC = 1,000,000 base units,
    /// which is exactly one micro-unit here.
    case usdc = "USDC"

    /// Parses a currency code, case-insensitively; nil for an unknown code.
    public init?(code: String) {
        self.init(rawValue: code.uppercased())
    }
}
