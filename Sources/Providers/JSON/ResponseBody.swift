import Basics
import HTTPClient

/// Reading provider bodies into `JSONValue`, with a parse failure turned into
/// `ProviderError.malformedResponse` that names what was expected but never echoes the body.
enum ResponseBody {
    static func json(_ response: HTTPResponse, expecting what: String) throws(ProviderError) -> JSONValue {
        do {
            return try JSONParser.parse(response.body)
        } catch {
            throw .malformedResponse(
                reason: "\(what): HTTP \(response.status) body is not JSON (\(response.body.count) bytes)")
        }
    }

    /// The body as JSON when it parses, else nil: error bodies are read on a best-effort basis.
    static func optionalJSON(_ response: HTTPResponse) -> JSONValue? {
        try? JSONParser.parse(response.body)
    }

    /// Provider text for an error message, cut to `messageCharactersMax` so a huge body can't
    /// flood logs.
    static func shortened(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text.count <= messageCharactersMax ? text : String(text.prefix(messageCharactersMax)) + "…"
    }

    static let messageCharactersMax = 300
}
