import Hummingbird

/// Per-request context: the authenticated caller, and the request body limit.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware`; nil on open routes.
    public var principal: Principal?

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// Bodies above this are refused with 413 before they are read into memory.
    public static let requestBodyBytesMax = 64 * 1024
    public var maxUploadSize: Int { Self.requestBodyBytesMax }
}

/// Who is calling, as established from a bearer token.
public struct Principal: Sendable, Equatable {
    public let tokenName: String
    public let scope: TokenScope
}

public enum TokenScope: String, Sendable, Codable, CaseIterable {
    /// GET requests only.
    case read
    /// Everything, writes included.
    case admin
}
