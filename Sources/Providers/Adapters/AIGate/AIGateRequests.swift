import Basics
import HTTPClient

/// AIGate request shapes (aigate.shop/docs/videos; docs/providers.md). Generation is one
/// synchronous call that holds the connection while the video renders, hence its long deadline.
public struct AIGateRequests: Sendable {
    public let endpoint: ProviderEndpoint
    public let apiKey: Secret

    public init(endpoint: ProviderEndpoint, apiKey: Secret) {
        self.endpoint = endpoint
        self.apiKey = apiKey
    }

    /// The prompt stays a string; a source image goes as `image_url`, one of the documented
    /// aliases; `quality` (Kling std / pro) picks the tier the job was priced at; `user` (the
    /// OpenAI-style caller reference one-api gateways log) carries our job id, so a render whose
    /// answer was lost can be traced in the provider's logs.
    public func generate(
        _ spec: ProviderJobSpec, timeoutMilliseconds: Int = RequestLimits.synchronousGenerationTimeoutMilliseconds
    ) -> HTTPRequest {
        let body = RequestBody.object([
            "model": .string(spec.model),
            "prompt": .string(spec.prompt),
            "duration": RequestBody.number(spec.durationSeconds),
            "resolution": spec.resolution.map { .string(Self.resolution($0)) },
            "aspect_ratio": spec.aspectRatio.map(JSONValue.string),
            "audio": spec.audio.map(JSONValue.bool),
            "n": RequestBody.number(spec.count),
            "quality": spec.quality.map(JSONValue.string),
            "image_url": spec.imageURL.map(JSONValue.string),
            "user": spec.clientReference.map(JSONValue.string),
        ])
        return RequestBody.json(
            .post, endpoint.url("/v1/video/generations"), body, headers: [RequestBody.bearer(apiKey)],
            timeoutMilliseconds: timeoutMilliseconds)
    }

    /// AIGate's spelling of a resolution token: its docs write `480p`, `720p`, `1080p`, `4K` (or
    /// `WIDTHxHEIGHT`), so 4K is in capitals.
    public static func resolution(_ token: String) -> String {
        token.lowercased() == "4k" ? "4K" : token
    }

    public func balance() -> HTTPRequest {
        RequestBody.json(.get, endpoint.url("/v1/balance"), nil, headers: [RequestBody.bearer(apiKey)])
    }
}
