/// When each provider takes money, after reference §7.
enum ChargePolicy: Sendable {
    /// Charged (or reserved) at submit, adjusted or refunded when the job ends: AIMO (assumed),
    /// Venice, NanoGPT.
    case atSubmit
    /// Charged when the job completes: the `/v1/videos` gateway, AIGate (during its synchronous call).
    case atCompletion

    static func of(_ provider: SimulatedProvider) -> ChargePolicy {
        switch provider {
        case .aimo, .venice, .nanoGPT: return .atSubmit
        case .openAIVideos, .aigate: return .atCompletion
        }
    }
}
