import Foundation

/// A provider's base URL, and the origin credentials may be sent to.
public struct ProviderEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// Without a trailing slash: `https://api.venice.ai/api/v1`.
    public let baseURL: String
    /// `scheme://host[:port]`, lowercased.
    public let origin: String

    public enum InvalidURL: Error, Sendable, Equatable {
        case invalid(String)
    }

    public init(baseURL: String) throws(InvalidURL) {
        let trimmed = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        guard let origin = ProviderEndpoint.origin(of: trimmed) else { throw .invalid(baseURL) }
        self.baseURL = trimmed
        self.origin = origin
    }

    /// `baseURL` + `path` (which starts with "/").
    public func url(_ path: String) -> String { baseURL + path }

    /// Resolves a result URL the provider gave: absolute URLs are kept, a path such as NanoGPT's
    /// `/api/generate-video/content?…` is resolved against the origin.
    public func resolve(_ reference: String) -> String {
        if reference.hasPrefix("/") && !reference.hasPrefix("//") { return origin + reference }
        return reference
    }

    /// True when `url` is on this provider's origin: the only place an API key may be sent.
    public func isSameOrigin(_ url: String) -> Bool {
        ProviderEndpoint.origin(of: url) == origin
    }

    public var description: String { baseURL }

    /// True for 127.0.0.0/8, `::1` and `localhost`: a simulator or a local proxy, where plain
    /// http cannot leak a credential off the machine.
    public var isLoopback: Bool {
        guard let host = URLComponents(string: baseURL)?.host?.lowercased() else { return false }
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        if let port = components.port, port != defaultPort { return "\(scheme)://\(host):\(port)" }
        return "\(scheme)://\(host)"
    }
}
