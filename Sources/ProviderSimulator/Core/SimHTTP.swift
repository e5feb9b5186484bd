import Basics

/// A request as the provider simulations see it: plain values, so each simulated API is a
/// function from request to response that tests can call without a socket.
struct SimRequest: Sendable {
    var method: String
    /// The path without the provider's base path: Venice's `/api/v1/video/queue` is `/video/queue`.
    var path: String
    var query: [String: String]
    /// Header names lowercased.
    var headers: [String: String]
    var body: [UInt8]
    /// `host:port` the client addressed, for absolute URLs in responses.
    var authority: String

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    var baseOrigin: String { "http://\(authority)" }
}

/// A response before it becomes a Hummingbird one. `delayMilliseconds` holds it back (a request
/// that outlives the client's deadline, or AIGate's synchronous rendering).
struct SimResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    var delayMilliseconds: Int = 0

    static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> SimResponse {
        SimResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(value.text.utf8))
    }

    static func bytes(_ status: Int, contentType: String, _ body: [UInt8]) -> SimResponse {
        SimResponse(status: status, headers: [("Content-Type", contentType)], body: body)
    }

    /// `{"error":{"code":…,"message":…}}`, the shape AIMO, the gateway and AIGate use.
    static func error(_ status: Int, code: String, message: String, type: String? = nil) -> SimResponse {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let type { error["type"] = .string(type) }
        return .json(status, .object(["error": .object(error)]))
    }

    /// A body that starts like JSON and stops: the "malformed" fault.
    static let malformed = SimResponse(
        status: 200, headers: [("Content-Type", "application/json")], body: Array("{\"status\": \"PROCESS".utf8))
}
