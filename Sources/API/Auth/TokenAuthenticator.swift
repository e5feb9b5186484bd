import Crypto
import Foundation
import Postgres
import Synchronization

/// Checks bearer tokens against the stored hashes.
///
/// The active tokens are cached in memory for `cacheMilliseconds`, so authentication costs no
/// database round trip on the hot path; a revocation takes effect within that time. Digests are
/// compared in constant time over every active token, so timing reveals nothing about which
/// bytes matched.
public final class TokenAuthenticator: Sendable {
    public static let defaultCacheMilliseconds = 2_000

    struct CachedTokens {
        var tokens: [(digest: [UInt8], principal: Principal)] = []
        var loadedAt: ContinuousClock.Instant?
        /// A background reload is running: others keep using the tokens they have meanwhile.
        var reloading = false
    }

    let store: TokenStore
    let cacheMilliseconds: Int
    private let cache = Mutex(CachedTokens())

    public init(store: TokenStore, cacheMilliseconds: Int = TokenAuthenticator.defaultCacheMilliseconds) {
        precondition(cacheMilliseconds >= 0 && cacheMilliseconds <= 60_000, "token cache must be 0-60 s")
        self.store = store
        self.cacheMilliseconds = cacheMilliseconds
    }

    /// The principal for an `Authorization` header value, or nil when it is not a valid token.
    public func authenticate(authorization: String?) async throws -> Principal? {
        guard let token = authorization.flatMap(Self.bearerToken) else { return nil }
        let presented = Array(SHA256.hash(data: Array(token)))
        let tokens = try await activeTokens()
        var match: Principal?
        for candidate in tokens where Self.constantTimeEqual(candidate.digest, presented) {
            match = candidate.principal
        }
        return match
    }

    /// Forgets the cache, so the next request reloads tokens (after create or revoke).
    public func invalidate() {
        cache.withLock { $0.loadedAt = nil }
    }

    /// The active tokens. Fresh ones come from the cache; once they are stale, one caller
    /// reloads them in the background while every request keeps using the stale set, so an
    /// expiring cache never sends a burst of requests to the database at once (under load that
    /// burst queued behind the pool and stretched the tail latency of every route). A revocation
    /// therefore takes effect within `cacheMilliseconds` plus one reload. With a cache time of 0
    /// (tests) every call reloads synchronously.
    private func activeTokens() async throws -> [(digest: [UInt8], principal: Principal)] {
        let now = ContinuousClock.now
        enum Plan { case use([(digest: [UInt8], principal: Principal)]), useAndReload([(digest: [UInt8], principal: Principal)]), load }
        let plan = cache.withLock { cached -> Plan in
            guard let loadedAt = cached.loadedAt, cacheMilliseconds > 0 else { return .load }
            if now - loadedAt < .milliseconds(cacheMilliseconds) || cached.reloading { return .use(cached.tokens) }
            cached.reloading = true
            return .useAndReload(cached.tokens)
        }
        switch plan {
        case .use(let tokens):
            return tokens
        case .useAndReload(let tokens):
            Task { [self] in
                let loaded = try? await self.load()
                self.cache.withLock { cached in
                    if let loaded { cached = CachedTokens(tokens: loaded, loadedAt: ContinuousClock.now) }
                    cached.reloading = false
                }
            }
            return tokens
        case .load:
            let loaded = try await load()
            cache.withLock { $0 = CachedTokens(tokens: loaded, loadedAt: now) }
            return loaded
        }
    }

    private func load() async throws -> [(digest: [UInt8], principal: Principal)] {
        try await store.list().filter { !$0.revoked }.map { token in
            (digest: Self.bytes(hex: token.sha256), principal: Principal(tokenName: token.name, scope: token.scope))
        }
    }

    /// The token bytes of `Bearer <token>` (scheme case-insensitive, spaces around the token
    /// ignored), or nil for any other header. Works on the UTF-8 bytes: this runs on every
    /// request, and Foundation's string trimming cost more than the rest of authentication.
    static func bearerToken(_ authorization: String) -> Substring.UTF8View? {
        let bytes = authorization.utf8
        let scheme = "bearer ".utf8
        let space = UInt8(ascii: " ")
        // Letters match either case (`| 0x20` lowercases ASCII letters); the space matches only itself.
        guard bytes.count <= 200, bytes.count > scheme.count,
              zip(bytes, scheme).allSatisfy({ header, expected in header == expected || (expected != space && header | 0x20 == expected) })
        else { return nil }
        var token = Substring(authorization).utf8.dropFirst(scheme.count)
        while token.first == space { token = token.dropFirst() }
        while token.last == space { token = token.dropLast() }
        return token.isEmpty ? nil : token
    }

    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}
