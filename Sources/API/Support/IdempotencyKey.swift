import Hummingbird

/// The `Idempotency-Key` header that makes a write safe to retry.
enum IdempotencyKey {
    static let lengthMax = 200
    /// 1-200 visible ASCII characters (0x21-0x7E): no spaces, no control characters.
    static let pattern = "^[!-~]{1,200}$"

    static func require(_ request: Request) throws -> String {
        let values = request.headers[values: .init("Idempotency-Key")!]
        guard let key = values.first, !key.isEmpty else {
            throw APIError.badRequest(
                "missing_idempotency_key", "an Idempotency-Key header is required for this request")
        }
        guard values.count == 1, key.utf8.count <= lengthMax, key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError.badRequest(
                "invalid_idempotency_key",
                "Idempotency-Key must be one header of 1-\(lengthMax) visible ASCII characters")
        }
        return key
    }
}
