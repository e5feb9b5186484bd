import Foundation
import HTTPClient
import Logging
import Money
import Testing

@testable import Providers

/// AIMO against bodies shaped as docs/providers.md describes them.
@Suite struct AIMOAdapterTests {
    let requests = AIMORequests(endpoint: endpoint("https://beta.aimo.network"))

    @Test func queueRequestUsesDurationStringsAndSnakeCase() throws {
        let spec = ProviderJobSpec(
            model: "kling-v2", prompt: "a fox", durationSeconds: 5, resolution: "720p", aspectRatio: "16:9",
            audio: false, count: 2)
        let request = requests.submit(spec)
        #expect(request.method == .post)
        #expect(request.url == "https://beta.aimo.network/api/v1/video/queue")
        let body = try #require(jsonBody(request))
        #expect(
            body
                == .object([
                    "model": .string("kling-v2"), "prompt": .string("a fox"), "duration": .string("5s"),
                    "resolution": .string("720p"),
                    "aspect_ratio": .string("16:9"), "generate_audio": .bool(false), "n": .number("2"),
                ]))
    }

    @Test func everyRequestIsSignedForItsOwnURL() throws {
        let wallet = WalletCredential.solana(try WalletTests.keypair())
        let signed = try AIMORequests.authorize(
            requests.balance(), wallet: wallet, nowUnixMilliseconds: 1_767_225_600_000)
        let header = try #require(signed.headers.first { $0.name == "SIGN-IN-WITH-X" }?.value)
        let message = try #require(WalletTests.decodeHeader(header)?["message"]?.stringValue)
        #expect(message.hasPrefix("beta.aimo.network wants you to sign in with your Solana account:"))
        #expect(message.contains("URI: https://beta.aimo.network/api/v1/session/balance\n"))
        let preSigned = try AIMORequests.authorize(
            requests.balance(), wallet: .preSignedHeader(Secret("evm-header")), nowUnixMilliseconds: 0)
        #expect(preSigned.headers.contains(HTTPHeader("SIGN-IN-WITH-X", "evm-header")))
    }

    @Test func queueResponseFromTheSeed() throws {
        let submission = try AIMOResponses.submission(
            recorded(200, AIMOFixtures.queue))
        #expect(submission.providerJobID == "provider_pubkey:base64_task")
        #expect(submission.variantsExpected == nil)
        #expect(submission.paymentSource == .walletBalance(.usdc))
    }

    @Test func errorBodiesFromTheSeed() {
        let body = AIMOFixtures.error
        #expect(
            providerError { try AIMOResponses.submission(recorded(400, body)) }
                == .rejected(status: 400, code: "string", message: "string"))
        #expect(
            providerError { try AIMOResponses.submission(recorded(401, body)) } == .authentication(message: "string"))
        #expect(
            providerError { try AIMOResponses.submission(recorded(200, "<html>")) }
                == .malformedResponse(reason: "AIMO queue: HTTP 200 body is not JSON (6 bytes)"))
    }

    @Test func x402Version1BodyFromAIMODocs() throws {
        let details = try #require(
            paymentDetails(providerError { try AIMOResponses.submission(recorded(402, AIMOFixtures.x402Version1)) }))
        #expect(details.x402Version == 1)
        #expect(details.message == "X-PAYMENT header is required")
        #expect(details.requirements.map(\X402Requirement.network) == ["solana", "base"])
        #expect(details.requirements.map(\X402Requirement.amountBaseUnits) == ["123", "123"])
        #expect(
            details.requirements.map(\X402Requirement.usdcAmount) == [
                Money(micros: 123, currency: .usdc), Money(micros: 123, currency: .usdc),
            ])
    }

    @Test func balancePrefersIntegerMicroUSDC() throws {
        #expect(
            try AIMOResponses.balance(recorded(200, AIMOFixtures.balance)).available == [
                Money(micros: 12_345_678, currency: .usdc)
            ])
        #expect(
            try AIMOResponses.balance(recorded(200, AIMOFixtures.balanceString)).available == [
                Money(micros: 500_000, currency: .usdc)
            ])
    }

    @Test func retrieveIsReadDefensively() throws {
        #expect(try AIMOResponses.status(mp4(bytes: 42), providerJobID: "j").inlineResult == .bytes(42))
        let running = try AIMOResponses.status(recorded(200, AIMOFixtures.processing), providerJobID: "j")
        #expect(running.state == .running && running.etaMilliseconds == 600)
        let done = try AIMOResponses.status(recorded(200, AIMOFixtures.completed), providerJobID: "j")
        #expect(done.resultURLs == ["https://x/1.mp4", "https://x/2.mp4"])
        #expect(
            providerError { try AIMOResponses.status(recorded(200, #"{"status":"mystery"}"#), providerJobID: "j") }
                != nil)
    }

    @Test func missingWalletIsACredentialError() async {
        let adapter = AIMOAdapter(
            endpoint: endpoint("https://beta.aimo.network"), wallet: nil, client: ScriptedHTTPClient([]),
            logger: Logger(label: "test"))
        await #expect(throws: ProviderError.self) { try await adapter.balance() }
    }
}
