import Basics
import HTTPClient

/// Helpers shared by the request builders.
enum RequestBody {
    static let jsonContentType = HTTPHeader("Content-Type", "application/json")
    static let acceptJSON = HTTPHeader("Accept", "application/json")

    static func json(
        _ method: HTTPRequest.Method, _ url: String, _ body: JSONValue?, headers: [HTTPHeader] = [],
        timeoutMilliseconds: Int = RequestLimits.defaultTimeoutMilliseconds
    ) -> HTTPRequest {
        HTTPRequest(
            method: method,
            url: url,
            headers: (body == nil ? [acceptJSON] : [jsonContentType, acceptJSON]) + headers,
            body: body.map(JSONWriter.bytes),
            timeoutMilliseconds: timeoutMilliseconds,
            responseBytesMax: RequestLimits.jsonResponseBytesMax
        )
    }

    static func bearer(_ key: Secret) -> HTTPHeader { HTTPHeader("Authorization", "Bearer " + key.revealedForHeader) }

    /// A JSON object from optional members: nil values are left out.
    static func object(_ members: [String: JSONValue?]) -> JSONValue {
        .object(members.compactMapValues { $0 })
    }

    static func number(_ value: Int) -> JSONValue { .number(String(value)) }
}
