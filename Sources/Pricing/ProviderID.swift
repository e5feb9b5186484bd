/// The five providers VideoLedger prices. The raw value is the price book's file name
/// (`pricing/<raw>.yaml`) and the identifier stored with every quote and job.
public enum ProviderID: String, Sendable, Hashable, CaseIterable, Codable, Comparable, CustomStringConvertible {
    case aimo
    /// Any gateway speaking OpenAI's `/v1/videos` shape.
    case openaiVideos = "openai-videos"
    case venice
    case nanogpt
    case aigate

    /// Position in `allCases`: the stable tie-break when two offers cost the same.
    var order: Int {
        switch self {
        case .aimo: 0
        case .openaiVideos: 1
        case .venice: 2
        case .nanogpt: 3
        case .aigate: 4
        }
    }

    public static func < (left: ProviderID, right: ProviderID) -> Bool { left.order < right.order }

    public var description: String { rawValue }
}
