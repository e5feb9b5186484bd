import Crypto
import Foundation
import Postgres
import Synchronization

/// Checks bearer tokens against the stored hashes.
///
/// The active tokens are cached in memory for `cacheMilliseconds`, so authentication costs no
/// database round trip on the hot path. Digests are compared in constant time over every active
/// token, so timing reveals nothing about which bytes matched.
///
/// Revocation is bounded: a cached set older than `cacheMilliseconds` is reloaded in the
/// background while requests keep using it, but one older than `staleMillisecondsMax` is never
/// used: authentication then waits for a reload, and refuses (the database error, a 503) when
/// the reload fails. A revoked token therefore stops working within `staleMillisecondsMax`,
/// whatever the database does.
public final class TokenAuthenticator: Sendable {
    public static let defaultCacheMilliseconds = 2_000
    public static let defaultStaleMillisecondsMax = 5_000

    typealias Tokens = [(digest: [UInt8], principal: Principal)]

    struct CachedTokens {
        var tokens: Tokens = []
        var loadedAt: ContinuousClock.Instant?
        /// The reload in flight, shared by everyone who needs it (one query, not a burst).
        var reload: Task<Tokens, any Error>?
    }

    let store: TokenStore
    let cacheMilliseconds: Int
    let staleMillisecondsMax: Int
    private let cache = Mutex(CachedTokens())

    public init(
        store: TokenStore, cacheMilliseconds: Int = TokenAuthenticator.defaultCacheMilliseconds,
        staleMillisecondsMax: Int = TokenAuthenticator.defaultStaleMillisecondsMax
    ) {
        precondition(cacheMilliseconds >= 0 && cacheMilliseconds <= 60_000, "token cache must be 0-60 s")
        precondition(
            staleMillisecondsMax >= cacheMilliseconds && staleMillisecondsMax <= 60_000,
            "staleness bound must be cache-60 s")
        self.store = store
        self.cacheMilliseconds = cacheMilliseconds
        self.staleMillisecondsMax = staleMillisecondsMax
    }

    /// The principal for an `Authorization` header value, or nil when it is not a valid token.
    /// Throws the database's error when the cached tokens are too old to trust and cannot be
    /// reloaded.
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

    /// The active tokens: fresh ones from the cache; stale ones (within the bound) from the
    /// cache while one background reload runs, so an expiring cache never sends a burst of
    /// requests to the database (under load that burst queued behind the pool and stretched
    /// every route's tail); beyond the bound, or never loaded, only after a reload. With a
    /// cache time of 0 (tests) every call reloads.
    private func activeTokens() async throws -> Tokens {
        let now = ContinuousClock.now
        enum Plan {
            case use(Tokens)
            case wait(Task<Tokens, any Error>)
        }
        let plan = cache.withLock { cached -> Plan in
            if cacheMilliseconds == 0 { return .wait(Task { try await self.load() }) }
            if let loadedAt = cached.loadedAt {
                let age = now - loadedAt
                if age < .milliseconds(cacheMilliseconds) { return .use(cached.tokens) }
                if age < .milliseconds(staleMillisecondsMax) {
                    if cached.reload == nil { cached.reload = makeReload() }
                    return .use(cached.tokens)
                }
            }
            let reload = cached.reload ?? makeReload()
            cached.reload = reload
            return .wait(reload)
        }
        switch plan {
        case .use(let tokens): return tokens
        case .wait(let reload): return try await reload.value
        }
    }

    /// A reload that publishes what it loaded and clears itself; a failed one leaves the old
    /// set and its age, so the staleness bound keeps counting.
    private func makeReload() -> Task<Tokens, any Error> {
        Task { [self] in
            do {
                let loaded = try await self.load()
                self.cache.withLock { cached in
                    cached.tokens = loaded
                    cached.loadedAt = ContinuousClock.now
                    cached.reload = nil
                }
                return loaded
            } catch {
                self.cache.withLock { $0.reload = nil }
                throw error
            }
        }
    }

    private func load() async throws -> Tokens {
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
            zip(bytes, scheme).allSatisfy({ header, expected in
                header == expected || (expected != space && header | 0x20 == expected)
            })
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
