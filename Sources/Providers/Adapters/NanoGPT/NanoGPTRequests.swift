import Basics
import HTTPClient

/// NanoGPT request shapes (its API reference: generate-video, video status, check-balance;
/// docs/providers.md). The key goes in `x-api-key`, and only to the configured origin: every
/// URL here is built from it.
public struct NanoGPTRequests: Sendable {
    public let endpoint: ProviderEndpoint
    public let apiKey: Secret

    public init(endpoint: ProviderEndpoint, apiKey: Secret) {
        self.endpoint = endpoint
        self.apiKey = apiKey
    }

    var auth: HTTPHeader { HTTPHeader("x-api-key", apiKey.revealedForHeader) }

    /// Durations are seconds as a string in the model's own form (`duration(model:seconds:)`);
    /// Sora also gets its `seconds` selector; the image goes as `imageUrl`.
    public func submit(_ spec: ProviderJobSpec) -> HTTPRequest {
        let mode: String? =
            switch spec.mode {
            case .textToVideo: "text-to-video"
            case .imageToVideo: "image-to-video"
            case .videoToVideo: "video-edit"
            case .upscale: nil
            }
        let body = RequestBody.object([
            "model": .string(spec.model),
            "prompt": .string(spec.prompt),
            "duration": .string(Self.duration(model: spec.model, seconds: spec.durationSeconds)),
            "seconds": Self.isSora(spec.model) ? .string(String(spec.durationSeconds)) : nil,
            "resolution": spec.resolution.map(JSONValue.string),
            "aspect_ratio": spec.aspectRatio.map(JSONValue.string),
            "generateAudio": spec.audio.map(JSONValue.bool),
            "mode": mode.map(JSONValue.string),
            "imageUrl": spec.imageURL.map(JSONValue.string),
        ])
        return RequestBody.json(.post, endpoint.url("/api/generate-video"), body, headers: [auth])
    }

    /// NanoGPT's duration spelling for a model: its API reference says the format "varies by
    /// model - '5s' for Veo2, '5' for Kling", and its field table gives `"5"` for the rest.
    public static func duration(model: String, seconds: Int) -> String {
        model.lowercased().hasPrefix("veo2") ? "\(seconds)s" : String(seconds)
    }

    /// Sora's duration goes in its own selector, `seconds` ("4", "8", "12"), as well.
    static func isSora(_ model: String) -> Bool { model.lowercased().hasPrefix("sora") }

    public func status(providerJobID: String) -> HTTPRequest {
        RequestBody.json(
            .get, endpoint.url("/api/video/status?requestId=" + PathSegment.escape(providerJobID)), nil, headers: [auth]
        )
    }

    public func balance() -> HTTPRequest {
        RequestBody.json(.post, endpoint.url("/api/check-balance"), nil, headers: [auth])
    }
}

extension NanoGPTRequests {
    /// A request for a finished file. The key goes only to the configured origin (NanoGPT's own
    /// `/api/generate-video/content` proxy); a storage URL elsewhere gets no credential.
    public func content(url: String, responseBytesMax: Int) -> HTTPRequest {
        let resolved = endpoint.resolve(url)
        return HTTPRequest(
            method: .get, url: resolved, headers: endpoint.isSameOrigin(resolved) ? [auth] : [],
            timeoutMilliseconds: RequestLimits.defaultTimeoutMilliseconds, responseBytesMax: responseBytesMax)
    }
}
