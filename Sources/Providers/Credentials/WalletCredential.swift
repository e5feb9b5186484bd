/// How an adapter proves a wallet: a Solana key it signs with per request, or an EVM
/// `SIGN-IN-WITH-X` header signed elsewhere (with its own expiry) and sent as is.
public enum WalletCredential: Sendable, CustomStringConvertible {
    case solana(SolanaKeypair)
    case preSignedHeader(Secret)

    public var description: String {
        switch self {
        case .solana: return "solana(<redacted>)"
        case .preSignedHeader: return "preSignedHeader(<redacted>)"
        }
    }
}
