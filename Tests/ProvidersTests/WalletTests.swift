import Basics
import Foundation
import Testing

@testable import Providers

/// Base58 against Bitcoin Core's vectors, Ed25519 against RFC 8032 test 1, and the CAIP-122
/// text and signature against values computed independently (Python `cryptography`).
@Suite struct WalletTests {
    static let rfc8032Seed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    static let rfc8032PublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    static let rfc8032EmptySignature =
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    static let rfc8032Address = "FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z"

    static func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result
    }

    static func keypair() throws -> SolanaKeypair { try SolanaKeypair(secretKeyBytes: bytes(hex: rfc8032Seed)) }

    @Test(arguments: [
        ("", ""), ("61", "2g"), ("626262", "a3gV"), ("636363", "aPEr"),
        ("73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"),
        ("00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"),
        ("516b6fcd0f", "ABnLTmg"), ("bf4f89001e670274dd", "3SEo3LWLoPntC"), ("572e4794", "3EFU7m"),
        ("ecac89cad93923c02321", "EJDM8drfXA6uyA"), ("10c8511e", "Rt5zm"), ("00000000000000000000", "1111111111"),
    ])
    func base58KnownEncodings(hex: String, encoded: String) {
        #expect(Base58.encode(Self.bytes(hex: hex)) == encoded)
        #expect(Base58.decode(encoded) == Self.bytes(hex: hex))
    }

    @Test func base58RejectsCharactersOutsideTheAlphabet() {
        for bad in ["0", "O", "I", "l", "abc+"] { #expect(Base58.decode(bad) == nil) }
    }

    @Test func ed25519MatchesRFC8032TestVector1() throws {
        let keypair = try Self.keypair()
        #expect(keypair.publicKeyBytes == Self.bytes(hex: Self.rfc8032PublicKey))
        #expect(try keypair.signature(for: "") == Self.bytes(hex: Self.rfc8032EmptySignature))
        #expect(keypair.address == Self.rfc8032Address)
        #expect(
            Base58.encode(try keypair.signature(for: ""))
                == "5awYiUvGiDFA33EJjj4TXJG44a5afJc8QjWRpGgQiu6b23jCr7yndW2fmp9ujwqJVe32J456wV3VF78Asb1obnTc")
    }

    @Test func keypairLoadsFromBase58SeedOrSolanaKeypair() throws {
        let fromSeed = try SolanaKeypair(base58SecretKey: "BbMQkQYZspmkytduTWvXEtc4mMURjsekJDvty2WtKeSb")
        let fromKeypair = try SolanaKeypair(
            base58SecretKey: "49W385L4rePHy6PAaQUovbD2aacgN4HsKXSMeUzRg4fmwXszN91JuMFrQRj3vMDpZuRF3ZknQBuRBoWQJEfXstMw")
        #expect(fromSeed.address == Self.rfc8032Address)
        #expect(fromKeypair.address == Self.rfc8032Address)
        var mismatched = Self.bytes(hex: Self.rfc8032Seed) + Self.bytes(hex: Self.rfc8032PublicKey)
        mismatched[63] ^= 1
        #expect(throws: SolanaKeypair.LoadError.publicKeyMismatch) { try SolanaKeypair(secretKeyBytes: mismatched) }
        #expect(throws: SolanaKeypair.LoadError.wrongLength(4)) { try SolanaKeypair(base58SecretKey: "2g2g2") }
        #expect(throws: SolanaKeypair.LoadError.notBase58) { try SolanaKeypair(base58SecretKey: "0OIl") }
    }

    @Test func caip122MessageLayoutMatchesAIMOSDK() {
        var message = CAIP122Message(
            domain: "api.example.com", address: "0xabc", uri: "https://api.example.com/r", chainID: "eip155:1",
            expirationTime: "2026-01-01T01:00:00.000Z")
        #expect(
            message.text == """
                api.example.com wants you to sign in with your Ethereum account:
                0xabc

                URI: https://api.example.com/r
                Version: 1
                Chain ID: eip155:1
                Expiration Time: 2026-01-01T01:00:00.000Z
                """)
        message.statement = "Sign in to Venice AI"
        message.nonce = "n0nce123"
        message.issuedAt = "2026-01-01T00:00:00.000Z"
        message.notBefore = "2026-01-01T00:00:00.000Z"
        message.requestID = "req-1"
        message.resources = ["https://a.example/1", "https://b.example/2"]
        message.chainID = "cosmos:hub"
        #expect(
            message.text == """
                api.example.com wants you to sign in with your Cosmos account:
                0xabc

                Sign in to Venice AI

                URI: https://api.example.com/r
                Version: 1
                Chain ID: cosmos:hub
                Nonce: n0nce123
                Issued At: 2026-01-01T00:00:00.000Z
                Expiration Time: 2026-01-01T01:00:00.000Z
                Not Before: 2026-01-01T00:00:00.000Z
                Request ID: req-1
                Resources:
                - https://a.example/1
                - https://b.example/2
                """)
    }

    @Test func iso8601Timestamps() {
        #expect(ISO8601Instant.milliseconds(0) == "1970-01-01T00:00:00.000Z")
        #expect(ISO8601Instant.milliseconds(1_767_225_600_000) == "2026-01-01T00:00:00.000Z")
        #expect(ISO8601Instant.milliseconds(951_782_400_123) == "2000-02-29T00:00:00.123Z")
        #expect(ISO8601Instant.milliseconds(1_764_347_090_922) == "2025-11-28T16:24:50.922Z")
    }

    static func decodeHeader(_ value: String) -> JSONValue? {
        guard let data = Data(base64Encoded: value) else { return nil }
        return try? JSONParser.parse([UInt8](data))
    }

    @Test func aimoHeaderSignsTheRequestURL() throws {
        let header = try SignInWithX.aimoHeader(
            keypair: try Self.keypair(), requestURL: "https://api.example.com/api/v1/video/queue",
            nowUnixMilliseconds: 1_767_225_600_000)
        let envelope = try #require(Self.decodeHeader(header))
        #expect(
            envelope["message"]?.stringValue == """
                api.example.com wants you to sign in with your Solana account:
                FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z

                URI: https://api.example.com/api/v1/video/queue
                Version: 1
                Chain ID: solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp
                Expiration Time: 2026-01-01T01:00:00.000Z
                """)
        #expect(
            envelope["signature"]?.stringValue
                == "5dmV3w5VPio3gVwTFvDBy5XoWTpkbgrTEDNrSBuditYAeNDxJw2S3CKtnLcU7LeHCBxcxiCocDzmpxqSzokLJyLf")
        guard case .object(let members) = envelope else {
            Issue.record("not an object")
            return
        }
        #expect(Set(members.keys) == ["message", "signature"])
    }

    @Test func veniceHeaderCarriesAddressTimestampChainAndType() throws {
        let header = try SignInWithX.veniceHeader(
            keypair: try Self.keypair(), baseURL: "https://api.venice.ai/api/v1",
            nowUnixMilliseconds: 1_767_225_600_000, nonce: "abcDEF123456")
        let envelope = try #require(Self.decodeHeader(header))
        #expect(envelope["address"]?.stringValue == Self.rfc8032Address)
        #expect(envelope["timestamp"] == .number("1767225600000"))
        #expect(envelope["chainId"]?.stringValue == "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp")
        #expect(envelope["type"]?.stringValue == "ed25519")
        let message = try #require(envelope["message"]?.stringValue)
        #expect(
            message.hasPrefix(
                "api.venice.ai wants you to sign in with your Solana account:\n\(Self.rfc8032Address)\n\nSign in to Venice AI\n\nURI: https://api.venice.ai\n"
            ))
        #expect(
            message.contains(
                "Nonce: abcDEF123456\nIssued At: 2026-01-01T00:00:00.000Z\nExpiration Time: 2026-01-01T00:05:00.000Z"))
        let signature = try #require(envelope["signature"]?.stringValue.flatMap(Base58.decode))
        #expect(signature == (try Self.keypair().signature(for: message)))
    }

    @Test func freshNoncesAreAlphanumericAndDiffer() {
        let first = SignInWithX.freshNonce()
        #expect(first.count == 16 && first.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(first != SignInWithX.freshNonce())
    }
}
