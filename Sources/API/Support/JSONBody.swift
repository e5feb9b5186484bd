import Foundation
import Hummingbird

/// Reads a JSON request body into `T`, bounded by the context's body limit, in one parse. A
/// body that is not a JSON object (not JSON at all, an array, a bare value, `null`) is a 400
/// `malformed_json`; a missing or wrongly typed field is a 400 naming the field.
enum JSONBody {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: APIRequestContext) async throws
        -> T
    {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("malformed_json", "a JSON body is required") }
        do {
            return try decoder.decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError where Self.isAboutTheWholeBody(error) {
            throw APIError.badRequest("malformed_json", "the request body must be a JSON object")
        }
    }

    /// The decoder's errors about the top level (not JSON, or not an object) rather than about
    /// one field of it. Every body type is an object, so a top-level mismatch means the body is
    /// not one; a missing field (`keyNotFound`) is reported by `ErrorMapping`, naming the field.
    static func isAboutTheWholeBody(_ error: DecodingError) -> Bool {
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            return context.codingPath.isEmpty
        case .keyNotFound:
            return false
        @unknown default:
            return false
        }
    }
}
