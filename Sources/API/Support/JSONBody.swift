import Foundation
import Hummingbird

/// Reads a JSON request body into `T`, bounded by the context's body limit. A body that is not
/// JSON is a 400 `malformed_json`; a missing or wrongly typed field is a 400 naming the field.
enum JSONBody {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: APIRequestContext) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("malformed_json", "a JSON body is required") }
        guard (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView), options: [])) is [String: Any] else {
            throw APIError.badRequest("malformed_json", "the request body must be a JSON object")
        }
        return try decoder.decode(T.self, from: Data(buffer.readableBytesView))
    }
}
