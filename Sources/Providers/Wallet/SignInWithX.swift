import Basics
import Foundation

/// Builds `SIGN-IN-WITH-X` header values in the two dialects the providers speak (docs/providers.md,
/// AIMO and Venice). A Solana key signs a fresh CAIP-122 message per request; an EVM wallet supplies a
/// header it signed elsewhere (this code holds no secp256k1 signer), used as is.
public enum SignInWithX {
    public static let headerName = "SIGN-IN-WITH-X"

    /// How long an AIMO message stays valid: the SDK uses one hour.
    public static let aimoValidityMilliseconds: Int64 = 3_600_000
    /// How long a Venice message stays valid: Venice's docs use five minutes.
    public static let veniceValidityMilliseconds: Int64 = 300_000
    public static let veniceStatement = "Sign in to Venice AI"

    /// AIMO: `base64(JSON{message, signature})`, the message naming the request's host as domain
    /// and the full request URL as URI, as `wrapFetchWithSigner` does.
    public static func aimoHeader(
        keypair: SolanaKeypair, requestURL: String, nowUnixMilliseconds: Int64
    ) throws(WalletSigningError) -> String {
        let message = CAIP122Message(
            domain: host(of: requestURL),
            address: keypair.address,
            uri: requestURL,
            chainID: CAIP122Message.solanaMainnet,
            expirationTime: ISO8601Instant.milliseconds(nowUnixMilliseconds + aimoValidityMilliseconds)
        )
        let signature = Base58.encode(try keypair.signature(for: message.text))
        let envelope = JSONValue.object(["message": .string(message.text), "signature": .string(signature)])
        return Data(JSONWriter.bytes(envelope)).base64EncodedString()
    }

    /// Venice: `base64(JSON{address, message, signature, timestamp, chainId, type:"ed25519"})`,
    /// with a fresh nonce, the statement Venice asks for and a five-minute expiry.
    public static func veniceHeader(
        keypair: SolanaKeypair, baseURL: String, nowUnixMilliseconds: Int64, nonce: String
    ) throws(WalletSigningError) -> String {
        let message = CAIP122Message(
            domain: host(of: baseURL),
            address: keypair.address,
            statement: veniceStatement,
            uri: origin(of: baseURL),
            chainID: CAIP122Message.solanaMainnet,
            nonce: nonce,
            issuedAt: ISO8601Instant.milliseconds(nowUnixMilliseconds),
            expirationTime: ISO8601Instant.milliseconds(nowUnixMilliseconds + veniceValidityMilliseconds)
        )
        let signature = Base58.encode(try keypair.signature(for: message.text))
        let envelope = JSONValue.object([
            "address": .string(keypair.address),
            "message": .string(message.text),
            "signature": .string(signature),
            "timestamp": .number(String(nowUnixMilliseconds)),
            "chainId": .string(CAIP122Message.solanaMainnet),
            "type": .string("ed25519"),
        ])
        return Data(JSONWriter.bytes(envelope)).base64EncodedString()
    }

    /// A nonce of `nonceLength` letters and digits (SIWE asks for at least 8 alphanumerics).
    public static func freshNonce() -> String {
        let characters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        return String(
            (0..<nonceLength).map { _ in characters[Int(generator.next(upperBound: UInt64(characters.count)))] })
    }

    static let nonceLength = 16

    static func host(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        return components.port.map { "\(host):\($0)" } ?? host
    }

    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme else { return url }
        return "\(scheme)://\(host(of: url))"
    }
}
