import Basics
import HTTPClient

/// Venice request shapes (its API swagger: QueueVideoRequest, QuoteVideoRequest;
/// docs/providers.md). Pure: the auth header is passed in.
public struct VeniceRequests: Sendable {
    public let endpoint: ProviderEndpoint

    /// JSON status answers are under a kilobyte; a larger body is the finished MP4, which the
    /// status poll does not need to read (`VeniceResponses.status(afterTooLargeBody:)`).
    public static let retrieveResponseBytesMax = 256 * 1024

    /// A live quote holds up the submit that asked for it, and the submit goes on without it:
    /// a quote slower than this is not worth waiting for.
    public static let defaultQuoteTimeoutMilliseconds = 5_000
    public let quoteTimeoutMilliseconds: Int

    public init(
        endpoint: ProviderEndpoint, quoteTimeoutMilliseconds: Int = VeniceRequests.defaultQuoteTimeoutMilliseconds
    ) {
        precondition(quoteTimeoutMilliseconds >= 1, "quoteTimeoutMilliseconds must be positive")
        self.endpoint = endpoint
        self.quoteTimeoutMilliseconds = quoteTimeoutMilliseconds
    }

    /// Fields shared by quote and queue. Durations are strings with an `s`: `"5s"`.
    private func pricingFields(_ spec: ProviderJobSpec) -> [String: JSONValue?] {
        [
            "model": .string(spec.model),
            "duration": .string("\(spec.durationSeconds)s"),
            "resolution": spec.resolution.map { .string(Self.resolution($0)) },
            "aspect_ratio": spec.aspectRatio.map(JSONValue.string),
            "audio": spec.audio.map(JSONValue.bool),
        ]
    }

    /// Venice's spelling of a resolution token. Its `QueueVideoRequest` / `QuoteVideoRequest`
    /// enum mixes cases: `768P` (MiniMax) and `2K` are capitals, the rest (`720p`, `4k`) as
    /// VideoLedger names them.
    public static func resolution(_ token: String) -> String {
        switch token.lowercased() {
        case "768p": "768P"
        case "2k": "2K"
        default: token
        }
    }

    public func quote(_ spec: ProviderJobSpec, auth: HTTPHeader) -> HTTPRequest {
        RequestBody.json(
            .post, endpoint.url("/video/quote"), RequestBody.object(pricingFields(spec)), headers: [auth],
            timeoutMilliseconds: quoteTimeoutMilliseconds)
    }

    public func queue(_ spec: ProviderJobSpec, auth: HTTPHeader) -> HTTPRequest {
        var fields = pricingFields(spec)
        fields["prompt"] = .string(spec.prompt)
        fields["image_url"] = spec.imageURL.map(JSONValue.string)
        return RequestBody.json(.post, endpoint.url("/video/queue"), RequestBody.object(fields), headers: [auth])
    }

    /// Keeps the media on Venice's side (`delete_media_on_completion: false`): deleting it is a
    /// separate decision made after the file has been fetched.
    public func retrieve(_ job: ProviderJobHandle, auth: HTTPHeader) -> HTTPRequest {
        var request = RequestBody.json(
            .post, endpoint.url("/video/retrieve"),
            .object([
                "model": .string(job.model), "queue_id": .string(job.providerJobID),
                "delete_media_on_completion": .bool(false),
            ]),
            headers: [auth])
        request.headers.removeAll { $0.name == "Accept" }
        request.headers.append(HTTPHeader("Accept", "application/json, video/mp4"))
        request.responseBytesMax = VeniceRequests.retrieveResponseBytesMax
        return request
    }

    public func apiKeyBalance(auth: HTTPHeader) -> HTTPRequest {
        RequestBody.json(.get, endpoint.url("/billing/balance"), nil, headers: [auth])
    }

    public func walletBalance(address: String, auth: HTTPHeader) -> HTTPRequest {
        RequestBody.json(.get, endpoint.url("/x402/balance/" + PathSegment.escape(address)), nil, headers: [auth])
    }
}
