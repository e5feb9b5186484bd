import Basics
import HTTPClient

/// Request shapes of the OpenAI-style `/v1/videos` gateway (docs/providers.md).
///
/// The duration goes both as `seconds` (a string, Sora's field) and `duration` (an integer, the
/// gateway's unified field): the gateway lets `seconds` fall back to `duration`, and other models
/// read only `duration`. An image URL goes as `input_reference`.
public struct OpenAIVideosRequests: Sendable {
    /// The gateway takes multipart (its own example) or JSON (OpenAI's API).
    public enum BodyEncoding: Sendable { case multipart, json }

    public let endpoint: ProviderEndpoint
    public let apiKey: Secret
    public let encoding: BodyEncoding

    public init(endpoint: ProviderEndpoint, apiKey: Secret, encoding: BodyEncoding = .multipart) {
        self.endpoint = endpoint
        self.apiKey = apiKey
        self.encoding = encoding
    }

    public func submit(_ spec: ProviderJobSpec) -> HTTPRequest {
        let size = OpenAIVideoSize.size(resolution: spec.resolution, aspectRatio: spec.aspectRatio)
        let url = endpoint.url("/v1/videos")
        let auth = RequestBody.bearer(apiKey)
        switch encoding {
        case .json:
            let body = RequestBody.object([
                "model": .string(spec.model),
                "prompt": .string(spec.prompt),
                "seconds": .string(String(spec.durationSeconds)),
                "duration": RequestBody.number(spec.durationSeconds),
                "size": size.map(JSONValue.string),
                "n": spec.count > 1 ? RequestBody.number(spec.count) : nil,
                "input_reference": spec.imageURL.map(JSONValue.string),
            ])
            return RequestBody.json(.post, url, body, headers: [auth])
        case .multipart:
            var form = MultipartForm()
            form.append("model", spec.model)
            form.append("prompt", spec.prompt)
            form.append("seconds", String(spec.durationSeconds))
            form.append("duration", String(spec.durationSeconds))
            form.append("size", size)
            form.append("n", spec.count > 1 ? String(spec.count) : nil)
            form.append("input_reference", spec.imageURL)
            return HTTPRequest(
                method: .post, url: url,
                headers: [HTTPHeader("Content-Type", form.contentType), RequestBody.acceptJSON, auth],
                body: form.bytes,
                timeoutMilliseconds: RequestLimits.defaultTimeoutMilliseconds,
                responseBytesMax: RequestLimits.jsonResponseBytesMax
            )
        }
    }

    public func retrieve(providerJobID: String) -> HTTPRequest {
        RequestBody.json(
            .get, endpoint.url("/v1/videos/" + PathSegment.escape(providerJobID)), nil,
            headers: [RequestBody.bearer(apiKey)])
    }

    /// Where the finished MP4 is when the gateway gives no URL of its own.
    public func contentURL(providerJobID: String) -> String {
        endpoint.url("/v1/videos/" + PathSegment.escape(providerJobID) + "/content")
    }
}
