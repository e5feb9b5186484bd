import Crypto

/// An Ed25519 (Solana) signing key. Its description never shows the key.
public struct SolanaKeypair: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public enum LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        case notBase58
        case wrongLength(Int)
        case publicKeyMismatch

        public var description: String {
            switch self {
            case .notBase58: return "the Solana secret key is not base58"
            case .wrongLength(let count):
                return "the Solana secret key is \(count) bytes; expected a 32-byte seed or a 64-byte keypair"
            case .publicKeyMismatch: return "the 64-byte Solana keypair's public half does not match its seed"
            }
        }
    }

    private let privateKey: Curve25519.Signing.PrivateKey

    /// From a 32-byte seed, or a 64-byte Solana keypair (seed then public key, the
    /// `solana-keygen` and Phantom export form), whose public half must match the seed.
    public init(secretKeyBytes: [UInt8]) throws(LoadError) {
        guard secretKeyBytes.count == 32 || secretKeyBytes.count == 64 else { throw .wrongLength(secretKeyBytes.count) }
        let seed = Array(secretKeyBytes.prefix(32))
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw .wrongLength(seed.count)
        }
        if secretKeyBytes.count == 64, Array(key.publicKey.rawRepresentation) != Array(secretKeyBytes.suffix(32)) {
            throw .publicKeyMismatch
        }
        privateKey = key
    }

    /// From base58 text, the form Solana wallets export.
    public init(base58SecretKey: String) throws(LoadError) {
        guard let bytes = Base58.decode(base58SecretKey.trimmingCharacters(in: " \n\t")) else { throw .notBase58 }
        try self.init(secretKeyBytes: bytes)
    }

    /// The wallet address: base58 of the 32-byte public key.
    public var address: String { Base58.encode(Array(privateKey.publicKey.rawRepresentation)) }

    public var publicKeyBytes: [UInt8] { Array(privateKey.publicKey.rawRepresentation) }

    /// The 64-byte Ed25519 signature of `message`'s UTF-8 bytes (what Solana wallets'
    /// `signMessage` signs).
    public func signature(for message: String) throws(WalletSigningError) -> [UInt8] {
        do {
            return Array(try privateKey.signature(for: Array(message.utf8)))
        } catch {
            throw .signingFailed
        }
    }

    public var description: String { "SolanaKeypair(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["key": "<redacted>"]) }
}

/// Signing failed inside the crypto library; never says anything about the key.
public enum WalletSigningError: Error, Sendable, Equatable {
    case signingFailed
}

extension String {
    func trimmingCharacters(in characters: String) -> String {
        let set = Set(characters)
        return String(self.drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
