import Basics
import HTTPClient

/// NanoGPT request shapes (docs/providers.md, NanoGPT). The key goes in `x-api-key`, and only to the
/// configured origin: every URL here is built from it.
public struct NanoGPTRequests: Sendable {
    public let endpoint: ProviderEndpoint
    public let apiKey: Secret

    public init(endpoint: ProviderEndpoint, apiKey: Secret) {
        self.endpoint = endpoint
        self.apiKey = apiKey
    }

    var auth: HTTPHeader { HTTPHeader("x-api-key", apiKey.revealedForHeader) }

    /// Durations are seconds as a string (`"5"`); the image goes as `imageUrl`.
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
            "duration": .string(String(spec.durationSeconds)),
            "resolution": spec.resolution.map(JSONValue.string),
            "aspect_ratio": spec.aspectRatio.map(JSONValue.string),
            "generateAudio": spec.audio.map(JSONValue.bool),
            "mode": mode.map(JSONValue.string),
            "imageUrl": spec.imageURL.map(JSONValue.string),
        ])
        return RequestBody.json(.post, endpoint.url("/api/generate-video"), body, headers: [auth])
    }

    public func status(providerJobID: String) -> HTTPRequest {
        RequestBody.json(.get, endpoint.url("/api/video/status?requestId=" + PathSegment.escape(providerJobID)), nil, headers: [auth])
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
