import Basics
import HTTPClient
import ProviderRegistry
import Providers

@testable import Pricing

/// The submit request each provider's adapter sends for a priced job, built by the adapters' own
/// request builders (the adapters add only auth headers), and read back into plain fields.
enum WireRequests {
    static let prompt = "a lighthouse at dusk"

    /// The job as `JobService` hands it to an adapter: the offer's clip length, resolution token,
    /// audio and tier, the request's aspect ratio and `n`.
    static func spec(for offer: Offer, aspectRatio: AspectRatio?, variants: Int) -> ProviderJobSpec {
        ProviderJobSpec(
            model: offer.providerModel, prompt: prompt, durationSeconds: offer.clipSeconds,
            resolution: offer.resolution.rawValue,
            aspectRatio: aspectRatio?.rawValue, audio: offer.audio, count: variants,
            mode: ProviderJobSpec.Mode(rawValue: offer.mode.rawValue) ?? .textToVideo, quality: offer.quality)
    }

    /// Every submit request the provider's adapter can send for `spec`: the gateway's in both of
    /// its encodings (multipart, its adapter's default, and JSON).
    static func submits(_ provider: ProviderID, _ spec: ProviderJobSpec) -> [HTTPRequest] {
        let endpoint = try! ProviderEndpoint(baseURL: "https://provider.example")
        let key = Secret("sk-test")
        switch provider {
        case .aimo: return [AIMORequests(endpoint: endpoint).submit(spec)]
        case .openAIVideos:
            return [
                OpenAIVideosRequests(endpoint: endpoint, apiKey: key, encoding: .multipart).submit(spec),
                OpenAIVideosRequests(endpoint: endpoint, apiKey: key, encoding: .json).submit(spec),
            ]
        case .venice:
            return [VeniceRequests(endpoint: endpoint).queue(spec, auth: HTTPHeader("Authorization", "Bearer k"))]
        case .nanoGPT: return [NanoGPTRequests(endpoint: endpoint, apiKey: key).submit(spec)]
        case .aigate: return [AIGateRequests(endpoint: endpoint, apiKey: key).generate(spec)]
        }
    }

    /// The body's top-level fields as text (`true`, `8`, `"8s"` → `8s`), from JSON or multipart.
    static func fields(_ request: HTTPRequest) -> [String: String] {
        if let pairs = multipartPairs(request) { return Dictionary(pairs, uniquingKeysWith: { first, _ in first }) }
        guard let body = request.body, case .object(let members)? = try? JSONParser.parse(body) else { return [:] }
        return members.compactMapValues { value in
            switch value {
            case .string(let text): text
            case .number(let text): text
            case .bool(let flag): flag ? "true" : "false"
            default: nil
            }
        }
    }

    /// The body as one line of text, for fixtures: JSON as sent (keys sorted), multipart as
    /// `name=value` pairs in the order sent.
    static func text(_ request: HTTPRequest) -> String {
        if let pairs = multipartPairs(request) { return pairs.map { "\($0)=\($1)" }.joined(separator: "&") }
        return request.body.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The fields of a `multipart/form-data` body in order; nil for another content type.
    private static func multipartPairs(_ request: HTTPRequest) -> [(String, String)]? {
        let contentType = request.headers.first { $0.name.lowercased() == "content-type" }?.value ?? ""
        guard contentType.hasPrefix("multipart/form-data"),
            let boundary = contentType.components(separatedBy: "boundary=").last,
            let body = request.body
        else { return nil }
        let text = String(decoding: body, as: UTF8.self)
        var pairs: [(String, String)] = []
        for part in text.components(separatedBy: "--\(boundary)").dropFirst() {
            guard let nameStart = part.range(of: "name=\""), let headerEnd = part.range(of: "\r\n\r\n") else {
                continue
            }
            let name = String(part[nameStart.upperBound...].prefix { $0 != "\"" })
            var value = String(part[headerEnd.upperBound...])
            if value.hasSuffix("\r\n") { value.removeLast() }  // "\r\n" is one Character
            pairs.append((name, value))
        }
        return pairs
    }
}

/// What a wire request says, decoded without knowing which provider sent it: the choices a
/// price depends on, each nil when the request does not say it.
struct WireChoices: Equatable, CustomStringConvertible {
    var resolution: Resolution?
    /// The frame's width over height, from `aspect_ratio` or a `size`.
    var frame: (width: Int, height: Int)?
    var audio: Bool?
    var variants: Int?
    var quality: String?
    var seconds: Int?

    init(_ fields: [String: String]) {
        if let size = fields["size"], let parsed = Resolution.parse(size) {
            resolution = parsed.resolution
            let sides = size.lowercased().split(separator: "x").compactMap { Int($0) }
            if sides.count == 2 { frame = (sides[0], sides[1]) }
        }
        if let token = fields["resolution"], let parsed = Resolution.parse(token) { resolution = parsed.resolution }
        if let ratio = fields["aspect_ratio"] {
            let sides = ratio.split(separator: ":").compactMap { Int($0) }
            if sides.count == 2 { frame = (sides[0], sides[1]) }
        }
        audio = (fields["audio"] ?? fields["generate_audio"] ?? fields["generateAudio"]).flatMap { Bool($0) }
        variants = fields["n"].flatMap { Int($0) }
        quality = fields["quality"]
        let duration = fields["seconds"] ?? fields["duration"]
        seconds = duration.flatMap { Int($0.hasSuffix("s") ? String($0.dropLast()) : $0) }
    }

    /// Whether the frame is `ratio`, within 2% (Sora's 1792×1024 is its 16:9 class).
    func frameMatches(_ ratio: AspectRatio) -> Bool {
        guard let frame else { return false }
        let sides = ratio.rawValue.split(separator: ":").compactMap { Double($0) }
        let wanted = sides[0] / sides[1]
        let sent = Double(frame.width) / Double(frame.height)
        return abs(sent - wanted) / wanted < 0.02
    }

    static func == (left: WireChoices, right: WireChoices) -> Bool {
        left.resolution == right.resolution && left.frame?.width == right.frame?.width
            && left.frame?.height == right.frame?.height
            && left.audio == right.audio && left.variants == right.variants && left.quality == right.quality
            && left.seconds == right.seconds
    }

    var description: String {
        "resolution \(resolution?.rawValue ?? "-"), frame \(frame.map { "\($0.width)x\($0.height)" } ?? "-"), "
            + "audio \(audio.map(String.init) ?? "-"), n \(variants.map(String.init) ?? "-"), quality \(quality ?? "-"), "
            + "seconds \(seconds.map(String.init) ?? "-")"
    }
}
