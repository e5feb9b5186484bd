/// The five provider APIs the simulator serves. Names match VideoLedger's provider ids, but the
/// simulator depends on nothing of VideoLedger's besides Money: it is a stand-in for the real
/// services, not part of the ledger.
public enum SimulatedProvider: String, Sendable, Hashable, CaseIterable {
    case aimo = "aimo"
    case openAIVideos = "openai-videos"
    case venice = "venice"
    case nanoGPT = "nanogpt"
    case aigate = "aigate"

    /// Offset from the configured base port: aimo 0, openai-videos 1, venice 2, nanogpt 3, aigate 4.
    var portOffset: Int { SimulatedProvider.allCases.firstIndex(of: self) ?? 0 }

    /// The path prefix the provider's base URL carries (Venice's API lives under `/api/v1`).
    var basePath: String { self == .venice ? "/api/v1" : "" }
}
