import Basics

/// Finds finished-file URLs wherever a provider puts them: AIGate and gateways `videos[].url`,
/// NanoGPT `output.video.url` / `output.url` / `videoUrl`, Together `outputs.video_url`,
/// OpenRouter `unsigned_urls`, new-api `video_url` / `url`, AIMO `variants[].url` (assumed).
enum ResultURLs {
    static let urlsMax = 16

    static func find(in body: JSONValue) -> [String] {
        var urls: [String] = []
        for key in ["videos", "variants", "data", "results"] {
            for element in body[key]?.arrayValue ?? [] {
                if let url = element["url"]?.stringValue ?? element["video_url"]?.stringValue { urls.append(url) }
            }
        }
        for array in ["unsigned_urls", "urls"] {
            urls += (body[array]?.arrayValue ?? []).compactMap(\.stringValue)
        }
        let single = [
            body["output"]?["video"]?["url"], body["output"]?["url"], body["outputs"]?["video_url"],
            body["videoUrl"], body["video_url"], body["url"], body["download_url"],
        ]
        for candidate in single {
            if let url = candidate?.stringValue, !url.isEmpty { urls.append(url) }
        }
        var seen = Set<String>()
        return Array(urls.filter { !$0.isEmpty && seen.insert($0).inserted }.prefix(urlsMax))
    }
}
