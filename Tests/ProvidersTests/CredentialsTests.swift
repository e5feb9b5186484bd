import HTTPClient
import Logging
import ProviderRegistry
import Testing

@testable import Providers

/// Secrets never print: not through description, debugDescription, interpolation or dump.
@Suite struct CredentialsTests {
    static let seed58 = "BbMQkQYZspmkytduTWvXEtc4mMURjsekJDvty2WtKeSb"

    static func everyRendering(_ value: Any) -> String {
        var dumped = ""
        dump(value, to: &dumped)
        return "\(value) \(String(describing: value)) \(String(reflecting: value)) \(dumped)"
    }

    @Test func loadsEveryVariable() throws {
        let credentials = try ProviderCredentials.fromEnvironment([
            "VIDEOLEDGER_AIMO_SOLANA_SECRET_KEY": Self.seed58,
            "VIDEOLEDGER_OPENAI_VIDEOS_API_KEY": "sk-openai-secret",
            "VIDEOLEDGER_VENICE_API_KEY": "venice-secret",
            "VIDEOLEDGER_VENICE_SOLANA_SECRET_KEY": Self.seed58,
            "VIDEOLEDGER_NANOGPT_API_KEY": "nano-secret",
            "VIDEOLEDGER_AIGATE_API_KEY": "sk-aigate-secret",
        ])
        #expect(credentials[.openAIVideos]?.apiKey?.revealedForHeader == "sk-openai-secret")
        #expect(credentials[.venice]?.apiKey?.revealedForHeader == "venice-secret")
        #expect(credentials.configured == Set(ProviderID.allCases))
        guard case .solana(let keypair) = credentials[.aimo]?.wallet else {
            Issue.record("no AIMO key")
            return
        }
        #expect(keypair.address == WalletTests.rfc8032Address)
        let printed = Self.everyRendering(credentials)
        for secret in ["sk-openai-secret", "venice-secret", "nano-secret", "sk-aigate-secret", Self.seed58] {
            #expect(!printed.contains(secret))
        }
        #expect(printed.contains("<redacted>"))
    }

    @Test func evmHeaderIsUsedWhenNoSolanaKey() throws {
        let credentials = try ProviderCredentials.fromEnvironment([
            "VIDEOLEDGER_AIMO_EVM_SIWX_HEADER": "eyJzaWduZWQiOnRydWV9"
        ])
        guard case .preSignedHeader(let header) = credentials[.aimo]?.wallet else {
            Issue.record("no header")
            return
        }
        #expect(header.revealedForHeader == "eyJzaWduZWQiOnRydWV9")
        #expect(!Self.everyRendering(credentials).contains("eyJzaWduZWQiOnRydWV9"))
    }

    @Test func veniceWalletIsUsedWhenNoAPIKey() throws {
        let credentials = try ProviderCredentials.fromEnvironment(["VIDEOLEDGER_VENICE_SOLANA_SECRET_KEY": Self.seed58])
        guard case .solana(let keypair) = credentials[.venice]?.wallet else {
            Issue.record("no Venice wallet")
            return
        }
        #expect(keypair.address == WalletTests.rfc8032Address)
        #expect(credentials.configured == [.venice])
    }

    @Test func anInvalidKeyNamesTheVariableNotTheValue() {
        let error = #expect(throws: ProviderCredentials.LoadError.self) {
            try ProviderCredentials.fromEnvironment(["VIDEOLEDGER_VENICE_SOLANA_SECRET_KEY": "2g2g2g2g-not-a-key"])
        }
        let text = "\(String(describing: error))"
        #expect(text.contains("VIDEOLEDGER_VENICE_SOLANA_SECRET_KEY"))
        #expect(!text.contains("2g2g2g2g"))
    }

    @Test func secretsAndKeysRedact() throws {
        let secret = Secret("sk-live-123")
        #expect(!Self.everyRendering(secret).contains("sk-live-123"))
        let keypair = try WalletTests.keypair()
        #expect(!Self.everyRendering(keypair).contains(WalletTests.rfc8032Seed))
        #expect(!Self.everyRendering(VeniceAuth.apiKey(secret)).contains("sk-live-123"))
        #expect(!Self.everyRendering(WalletCredential.preSignedHeader(secret)).contains("sk-live-123"))
    }

    @Test func authHeadersAreOnTheRedactedList() {
        let requests = NanoGPTRequests(endpoint: endpoint("https://nano-gpt.com"), apiKey: Secret("nano-secret"))
        let request = requests.status(providerJobID: "vid_1")
        #expect(request.headers.map(\.redacted).allSatisfy { $0.value != "nano-secret" })
        let bearer = AIGateRequests(endpoint: endpoint("https://api.aigate.shop"), apiKey: Secret("sk-1")).balance()
        #expect(bearer.headers.map(\.redacted).allSatisfy { !$0.value.contains("sk-1") })
    }
}

extension CredentialsTests {
    @Test func aKeyEchoedByTheProviderIsScrubbed() async {
        let client = ScriptedHTTPClient([
            .success(
                recorded(
                    401,
                    #"{"error":{"message":"Invalid API key nano-secret-123 for this route","type":"UNAUTHORIZED"}}"#))
        ])
        let adapter = NanoGPTAdapter(
            endpoint: endpoint("https://nano-gpt.com"), apiKey: Secret("nano-secret-123"), client: client,
            logger: Logger(label: "t"))
        await #expect(throws: ProviderError.authentication(message: "Invalid API key <redacted> for this route")) {
            try await adapter.balance()
        }
    }
}
