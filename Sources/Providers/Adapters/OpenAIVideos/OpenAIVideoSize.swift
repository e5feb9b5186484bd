/// The OpenAI-style `size` ("WIDTHxHEIGHT") for a resolution token and aspect ratio: the
/// gateway's create-video request has no resolution or aspect-ratio field, `size` carries both.
/// Only the combinations with an unambiguous pixel size are mapped; for others no `size` is
/// sent and the gateway uses the model's default, so the price books list for each gateway
/// model only the aspect ratios a size is sent for (the book-versus-request walk checks it).
///
/// - 480p, 720p, 1080p: 16:9, 9:16 and 1:1 (`1280x720`, `720x1280`, `720x720`).
/// - 1024p, Sora's large size: `1792x1024` / `1024x1792` (16:9 / 9:16 class; no square).
/// - 4k: `3840x2160` / `2160x3840` (the `veo3.1-4k` route; no square).
enum OpenAIVideoSize {
    static func size(resolution: String?, aspectRatio: String?) -> String? {
        guard let resolution else { return nil }
        let shortSide: Int
        let longSide: Int
        var square = true
        switch resolution.lowercased() {
        case "480p": (shortSide, longSide) = (480, 854)
        case "720p": (shortSide, longSide) = (720, 1280)
        case "1080p": (shortSide, longSide) = (1080, 1920)
        case "1024p": (shortSide, longSide, square) = (1024, 1792, false)
        case "4k", "2160p": (shortSide, longSide, square) = (2160, 3840, false)
        default: return nil
        }
        switch aspectRatio ?? "16:9" {
        case "16:9": return "\(longSide)x\(shortSide)"
        case "9:16": return "\(shortSide)x\(longSide)"
        case "1:1" where square: return "\(shortSide)x\(shortSide)"
        default: return nil
        }
    }
}
