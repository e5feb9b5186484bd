import Crypto
import Foundation
import Postgres

/// Creates, lists and revokes API tokens. A token is `vl_` + 32 random bytes (base64url); only
/// its SHA-256 is stored, and the token itself is shown once, at creation.
public struct TokenStore: Sendable {
    public struct Token: Sendable, Equatable {
        public let name: String
        public let scope: TokenScope
        public let sha256: String
        public let revoked: Bool
        public var createdAt: PostgresTimestamp = .unixEpoch
        public var revokedAt: PostgresTimestamp?
        /// The token whose holder created this one over REST; nil for the CLI and the bootstrap.
        public var createdBy: String?
    }

    public enum TokenError: Error, CustomStringConvertible, Equatable {
        case invalidName(String)
        case nameTaken(String)
        case unknownName(String)

        public var description: String {
            switch self {
            case .invalidName(let name): return "token name '\(Self.echo(name))' must be 1-64 of A-Z a-z 0-9 _ . : -"
            case .nameTaken(let name): return "a token named '\(name)' already exists"
            case .unknownName(let name): return "no active token named '\(Self.echo(name))'"
            }
        }

        static func echo(_ text: String) -> String {
            text.count <= 64 && Self.isName(text)
                ? text : String(text.prefix(32).map { $0.isASCII && !$0.isWhitespace ? $0 : "?" }) + "…"
        }

        static func isName(_ text: String) -> Bool {
            InputRules.matches(text, TokenStore.namePattern)
        }
    }

    /// Token names: 1-64 of A-Z a-z 0-9 _ . : - (the `api_tokens` check constraint).
    public static let namePattern = "^[A-Za-z0-9_.:-]{1,64}$"

    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Creates a token and returns its secret value (shown once, never stored).
    public func create(name: String, scope: TokenScope, createdBy: String? = nil) async throws -> String {
        guard TokenError.isName(name) else { throw TokenError.invalidName(name) }
        let token = Self.generate()
        let digest = Self.sha256Hex(token)
        do {
            try await pool.withSession { session in
                try session.execute(
                    "INSERT INTO api_tokens (name, token_sha256, scope, created_by) VALUES ($1, $2, $3, $4)",
                    [name, digest, scope.rawValue, createdBy])
            }
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw TokenError.nameTaken(name)
        }
        return token
    }

    /// A fresh token value: `vl_` + 32 random bytes, base64url without padding.
    static func generate() -> String {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        return "vl_"
            + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public func revoke(name: String) async throws {
        let revoked = try await pool.withSession { session in
            try session.execute(
                "UPDATE api_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL", [name])
        }
        guard revoked == 1 else { throw TokenError.unknownName(name) }
    }

    public func list() async throws -> [Token] {
        try await pool.withSession { session in
            try session.query(
                "SELECT name, scope, token_sha256, revoked_at IS NOT NULL, created_at, revoked_at, created_by FROM api_tokens ORDER BY name"
            ).map { row in
                Token(
                    name: try row.decode(0), scope: TokenScope(rawValue: try row.decode(1)) ?? .read,
                    sha256: try row.decode(2), revoked: try row.decode(3), createdAt: try row.decode(4),
                    revokedAt: try row.decodeIfPresent(5), createdBy: try row.decodeIfPresent(6))
            }
        }
    }

    /// One token by name, revoked or not.
    public func token(named name: String) async throws -> Token? {
        try await list().first { $0.name == name }
    }

    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
