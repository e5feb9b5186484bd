import Basics
import HTTPClient

/// AIMO request shapes (docs/providers.md, AIMO). Pure: signing is applied separately by
/// `AIMOAdapter` because the signed message names the request's URL.
///
/// Assumed, not documented: the retrieve call. The seed says only "use the returned id with
/// /video/retrieve"; this sends `POST /api/v1/video/retrieve {"id": …}`, Venice's style, since
/// AIMO ids (`provider_pubkey:base64_task`) hold characters a query string would have to escape.
public struct AIMORequests: Sendable {
    public let endpoint: ProviderEndpoint

    public init(endpoint: ProviderEndpoint) { self.endpoint = endpoint }

    public func submit(_ spec: ProviderJobSpec) -> HTTPRequest {
        let body = RequestBody.object([
            "model": .string(spec.model),
            "prompt": .string(spec.prompt),
            "duration": .string("\(spec.durationSeconds)s"),
            "resolution": spec.resolution.map(JSONValue.string),
            "aspect_ratio": spec.aspectRatio.map(JSONValue.string),
            "generate_audio": spec.audio.map(JSONValue.bool),
            "n": spec.count > 1 ? RequestBody.number(spec.count) : nil,
            "image_url": spec.imageURL.map(JSONValue.string),
        ])
        return RequestBody.json(.post, endpoint.url("/api/v1/video/queue"), body)
    }

    public func retrieve(providerJobID: String) -> HTTPRequest {
        RequestBody.json(.post, endpoint.url("/api/v1/video/retrieve"), .object(["id": .string(providerJobID)]))
    }

    public func balance() -> HTTPRequest {
        RequestBody.json(.get, endpoint.url("/api/v1/session/balance"), nil)
    }

    /// Adds the `SIGN-IN-WITH-X` header for `request.url`.
    public static func authorize(
        _ request: HTTPRequest, wallet: WalletCredential, nowUnixMilliseconds: Int64
    ) throws(ProviderError) -> HTTPRequest {
        var signed = request
        switch wallet {
        case .preSignedHeader(let header):
            signed.headers.append(HTTPHeader(SignInWithX.headerName, header.revealedForHeader))
        case .solana(let keypair):
            do {
                let value = try SignInWithX.aimoHeader(
                    keypair: keypair, requestURL: request.url, nowUnixMilliseconds: nowUnixMilliseconds)
                signed.headers.append(HTTPHeader(SignInWithX.headerName, value))
            } catch {
                throw .authentication(message: "could not sign the AIMO sign-in message")
            }
        }
        return signed
    }
}
