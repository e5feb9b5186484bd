/// The OpenAI-style `size` ("WIDTHxHEIGHT") for a resolution token and aspect ratio. Only the
/// combinations with an unambiguous pixel size are mapped; for others no `size` is sent and the
/// gateway uses the model's default.
enum OpenAIVideoSize {
    static func size(resolution: String?, aspectRatio: String?) -> String? {
        guard let resolution else { return nil }
        let shortSide: Int
        switch resolution.lowercased() {
        case "480p": shortSide = 480
        case "720p": shortSide = 720
        case "1080p": shortSide = 1080
        default: return nil
        }
        let longSide = shortSide == 480 ? 854 : shortSide * 16 / 9
        switch aspectRatio ?? "16:9" {
        case "16:9": return "\(longSide)x\(shortSide)"
        case "9:16": return "\(shortSide)x\(longSide)"
        case "1:1": return "\(shortSide)x\(shortSide)"
        default: return nil
        }
    }
}
