import Foundation
import HTTPClient
import Logging
import Money
import Testing

@testable import Providers

/// AIMO against bodies shaped as in seed 000 and reference §1.
@Suite struct AIMOAdapterTests {
    let requests = AIMORequests(endpoint: endpoint("https://beta.aimo.network"))

    @Test func queueRequestUsesDurationStringsAndSnakeCase() throws {
        let spec = ProviderJobSpec(
            model: "kling-v2", prompt: "a fox", durationSeconds: 5, resolution: "720p", aspectRatio: "16:9", audio: false, count: 2)
        let request = requests.submit(spec)
        #expect(request.method == .post)
        #expect(request.url == "https://beta.aimo.network/api/v1/video/queue")
        let body = try #require(jsonBody(request))
        #expect(
            body
                == .object([
                    "model": .string("kling-v2"), "prompt": .string("a fox"), "duration": .string("5s"), "resolution": .string("720p"),
                    "aspect_ratio": .string("16:9"), "generate_audio": .bool(false), "n": .number("2"),
                ]))
    }

    @Test func everyRequestIsSignedForItsOwnURL() throws {
        let wallet = WalletCredential.solana(try WalletTests.keypair())
        let signed = try AIMORequests.authorize(requests.balance(), wallet: wallet, nowUnixMilliseconds: 1_767_225_600_000)
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
            recorded(200, #"{"id": "provider_pubkey:base64_task", "created": 0, "status": "queued", "variants_expected": 0}"#))
        #expect(submission.providerJobID == "provider_pubkey:base64_task")
        #expect(submission.variantsExpected == nil)
        #expect(submission.paymentSource == .walletBalance(.usdc))
    }

    @Test func errorBodiesFromTheSeed() {
        let body = #"{"error": {"code": "string", "message": "string"}}"#
        #expect(providerError { try AIMOResponses.submission(recorded(400, body)) } == .rejected(status: 400, code: "string", message: "string"))
        #expect(providerError { try AIMOResponses.submission(recorded(401, body)) } == .authentication(message: "string"))
        #expect(
            providerError { try AIMOResponses.submission(recorded(200, "<html>")) }
                == .malformedResponse(reason: "AIMO queue: HTTP 200 body is not JSON (6 bytes)"))
    }

    @Test func x402Version1BodyFromAIMODocs() throws {
        let body = """
            {"error":"X-PAYMENT header is required","x402Version":1,
             "accepts":[{"network":"solana","maxAmountRequired":"123","payTo":"Ge3j","maxTimeoutSeconds":300,"asset":"EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"},
                        {"network":"base","maxAmountRequired":"123","payTo":"0xf59b","maxTimeoutSeconds":300,"asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"}]}
            """
        let details = try #require(paymentDetails(providerError { try AIMOResponses.submission(recorded(402, body)) }))
        #expect(details.x402Version == 1)
        #expect(details.message == "X-PAYMENT header is required")
        #expect(details.requirements.map(\X402Requirement.network) == ["solana", "base"])
        #expect(details.requirements.map(\X402Requirement.amountBaseUnits) == ["123", "123"])
        #expect(details.requirements.map(\X402Requirement.usdcAmount) == [Money(micros: 123, currency: .usdc), Money(micros: 123, currency: .usdc)])
    }

    @Test func balancePrefersIntegerMicroUSDC() throws {
        let body = #"{"caip_account_id":"solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:addr","balance_micro_usdc":12345678,"balance_usd":"12.345678"}"#
        #expect(try AIMOResponses.balance(recorded(200, body)).available == [Money(micros: 12_345_678, currency: .usdc)])
        #expect(try AIMOResponses.balance(recorded(200, #"{"balance_usd":"0.5"}"#)).available == [Money(micros: 500_000, currency: .usdc)])
    }

    @Test func retrieveIsReadDefensively() throws {
        let mp4 = HTTPResponse(status: 200, headers: [HTTPHeader("Content-Type", "video/mp4")], body: [UInt8](repeating: 0, count: 42))
        #expect(try AIMOResponses.status(mp4, providerJobID: "j").inlineResult == .bytes(42))
        let running = try AIMOResponses.status(
            recorded(200, #"{"status":"PROCESSING","average_execution_time":1000,"execution_duration":400}"#), providerJobID: "j")
        #expect(running.state == .running && running.etaMilliseconds == 600)
        let done = try AIMOResponses.status(
            recorded(200, #"{"status":"completed","variants":[{"url":"https://x/1.mp4"},{"url":"https://x/2.mp4"}]}"#), providerJobID: "j")
        #expect(done.resultURLs == ["https://x/1.mp4", "https://x/2.mp4"])
        #expect(providerError { try AIMOResponses.status(recorded(200, #"{"status":"mystery"}"#), providerJobID: "j") } != nil)
    }

    @Test func missingWalletIsACredentialError() async {
        let adapter = AIMOAdapter(
            endpoint: endpoint("https://beta.aimo.network"), wallet: nil, client: ScriptedHTTPClient([]), logger: Logger(label: "test"))
        await #expect(throws: ProviderError.self) { try await adapter.balance() }
    }
}
