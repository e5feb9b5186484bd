import Money

/// What a 402 (or AIGate's `insufficient_quota`) said: the x402 payment requirements when the
/// provider speaks x402, and whatever plain fields it adds.
public struct PaymentRequiredDetails: Sendable, Equatable {
    /// 1 or 2 for x402 bodies; nil for a plain "insufficient balance" error.
    public var x402Version: Int?
    public var requirements: [X402Requirement]
    /// The provider's error code (`INSUFFICIENT_BALANCE`, `PAYMENT_REQUIRED`, `insufficient_quota`).
    public var code: String?
    public var message: String?
    /// The balance the provider says is left (Venice `currentBalanceUsd`).
    public var currentBalance: Money?
    /// The smallest top-up the provider accepts (Venice `minimumTopUpUsd`).
    public var minimumTopUp: Money?

    public init(
        x402Version: Int? = nil,
        requirements: [X402Requirement] = [],
        code: String? = nil,
        message: String? = nil,
        currentBalance: Money? = nil,
        minimumTopUp: Money? = nil
    ) {
        self.x402Version = x402Version
        self.requirements = requirements
        self.code = code
        self.message = message
        self.currentBalance = currentBalance
        self.minimumTopUp = minimumTopUp
    }
}

/// One way to pay, from an x402 `accepts[]` entry. v1 names the amount `maxAmountRequired`, v2
/// `amount`; both are strings of base units of `asset` (USDC: 6 decimals, so `"10000000"` = $10).
public struct X402Requirement: Sendable, Equatable {
    public var scheme: String?
    /// v1 short names (`solana`, `base`) or v2 CAIP-2 ids (`eip155:8453`, `solana:5eykt…`).
    public var network: String?
    /// Digits only. Kept as text: assets other than USDC (Nano raw units) exceed `Int64`.
    public var amountBaseUnits: String
    public var asset: String?
    public var payTo: String?
    /// The same amount in USD where the provider states it (NanoGPT `amountUsd`).
    public var amountUSD: Money?

    public init(
        scheme: String?, network: String?, amountBaseUnits: String, asset: String?, payTo: String?,
        amountUSD: Money? = nil
    ) {
        self.scheme = scheme
        self.network = network
        self.amountBaseUnits = amountBaseUnits
        self.asset = asset
        self.payTo = payTo
        self.amountUSD = amountUSD
    }

    /// USDC mints/contracts on Solana and Base (docs/providers.md, Payment required).
    static let usdcAssets: Set<String> = [
        "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
        "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913".lowercased(),
        "0x036CbD53842c5426634e7929541eC2318f3dCF7e".lowercased(),
    ]

    /// The amount as money when the asset is USDC, whose base unit is exactly one micro-unit.
    public var usdcAmount: Money? {
        guard let asset, X402Requirement.usdcAssets.contains(asset.hasPrefix("0x") ? asset.lowercased() : asset),
            let micros = Int64(amountBaseUnits)
        else { return nil }
        return Money(micros: micros, currency: .usdc)
    }
}
