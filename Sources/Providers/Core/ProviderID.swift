/// The five provider APIs VideoLedger speaks. The raw value is the name used in configuration,
/// environment variables and the ledger's `provider:<name>:payable` accounts.
public enum ProviderID: String, Sendable, Hashable, CaseIterable, Codable {
    case aimo = "aimo"
    case openAIVideos = "openai-videos"
    case venice = "venice"
    case nanoGPT = "nanogpt"
    case aigate = "aigate"

    /// The `VIDEOLEDGER_<NAME>_` prefix of this provider's environment variables.
    public var environmentPrefix: String {
        "VIDEOLEDGER_" + rawValue.uppercased().replacingOccurrences(of: "-", with: "_") + "_"
    }
}
