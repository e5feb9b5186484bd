/// Every provider credential, loaded from the environment. Nothing here prints a secret.
///
/// | variable | meaning |
/// |---|---|
/// | `VIDEOLEDGER_AIMO_SOLANA_SECRET_KEY` | base58 Solana keypair (64 bytes) or seed (32 bytes) |
/// | `VIDEOLEDGER_AIMO_EVM_SIWX_HEADER` | a pre-signed EVM `SIGN-IN-WITH-X` value (used when no Solana key) |
/// | `VIDEOLEDGER_OPENAI_VIDEOS_API_KEY` | Bearer key of the `/v1/videos` gateway |
/// | `VIDEOLEDGER_VENICE_API_KEY` | Venice Bearer key |
/// | `VIDEOLEDGER_VENICE_SOLANA_SECRET_KEY` | Venice x402 wallet (used when no API key) |
/// | `VIDEOLEDGER_NANOGPT_API_KEY` | NanoGPT `x-api-key` |
/// | `VIDEOLEDGER_AIGATE_API_KEY` | AIGate Bearer key |
public struct ProviderCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var aimoWallet: WalletCredential?
    public var openAIVideosAPIKey: Secret?
    public var veniceAPIKey: Secret?
    public var veniceWallet: SolanaKeypair?
    public var nanoGPTAPIKey: Secret?
    public var aigateAPIKey: Secret?

    public init(
        aimoWallet: WalletCredential? = nil, openAIVideosAPIKey: Secret? = nil, veniceAPIKey: Secret? = nil,
        veniceWallet: SolanaKeypair? = nil, nanoGPTAPIKey: Secret? = nil, aigateAPIKey: Secret? = nil
    ) {
        self.aimoWallet = aimoWallet
        self.openAIVideosAPIKey = openAIVideosAPIKey
        self.veniceAPIKey = veniceAPIKey
        self.veniceWallet = veniceWallet
        self.nanoGPTAPIKey = nanoGPTAPIKey
        self.aigateAPIKey = aigateAPIKey
    }

    /// A variable was set but could not be used. Names the variable, never its value.
    public enum LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        case invalidSolanaKey(variable: String, reason: SolanaKeypair.LoadError)

        public var description: String {
            switch self {
            case .invalidSolanaKey(let variable, let reason): return "\(variable): \(reason)"
            }
        }
    }

    public static func fromEnvironment(_ environment: [String: String]) throws(LoadError) -> ProviderCredentials {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: " \n\t"), !text.isEmpty else { return nil }
            return text
        }
        func keypair(_ name: String) throws(LoadError) -> SolanaKeypair? {
            guard let text = value(name) else { return nil }
            do {
                return try SolanaKeypair(base58SecretKey: text)
            } catch {
                throw .invalidSolanaKey(variable: name, reason: error)
            }
        }
        var credentials = ProviderCredentials()
        if let aimoKey = try keypair("VIDEOLEDGER_AIMO_SOLANA_SECRET_KEY") {
            credentials.aimoWallet = .solana(aimoKey)
        } else if let header = value("VIDEOLEDGER_AIMO_EVM_SIWX_HEADER") {
            credentials.aimoWallet = .preSignedHeader(Secret(header))
        }
        credentials.openAIVideosAPIKey = value("VIDEOLEDGER_OPENAI_VIDEOS_API_KEY").map(Secret.init)
        credentials.veniceAPIKey = value("VIDEOLEDGER_VENICE_API_KEY").map(Secret.init)
        credentials.veniceWallet = try keypair("VIDEOLEDGER_VENICE_SOLANA_SECRET_KEY")
        credentials.nanoGPTAPIKey = value("VIDEOLEDGER_NANOGPT_API_KEY").map(Secret.init)
        credentials.aigateAPIKey = value("VIDEOLEDGER_AIGATE_API_KEY").map(Secret.init)
        return credentials
    }

    /// Which credentials are present, without their values.
    public var description: String {
        let present: [(String, Bool)] = [
            ("aimoWallet", aimoWallet != nil), ("openAIVideosAPIKey", openAIVideosAPIKey != nil),
            ("veniceAPIKey", veniceAPIKey != nil), ("veniceWallet", veniceWallet != nil),
            ("nanoGPTAPIKey", nanoGPTAPIKey != nil), ("aigateAPIKey", aigateAPIKey != nil),
        ]
        return "ProviderCredentials(" + present.map { "\($0.0): \($0.1 ? "<redacted>" : "none")" }.joined(separator: ", ") + ")"
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["credentials": description]) }
}
