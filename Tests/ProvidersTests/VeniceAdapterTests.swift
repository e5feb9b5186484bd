import Foundation
import HTTPClient
import Logging
import Money
import Testing

@testable import Providers

/// Venice against reference §3: queue with `download_url` and `X-Balance-Remaining`, retrieve
/// as JSON or `video/mp4`, the three 402 bodies, 404 / 422 / 503.
@Suite struct VeniceAdapterTests {
    let requests = VeniceRequests(endpoint: endpoint("https://api.venice.ai/api/v1"))
    let auth = HTTPHeader("Authorization", "Bearer key")
    let job = ProviderJobHandle(providerJobID: "123e4567-e89b-12d3-a456-426614174000", model: "wan-2-7-text-to-video")

    @Test func queueAndQuoteRequests() {
        let spec = ProviderJobSpec(
            model: "wan-2-7-text-to-video", prompt: "Venice", durationSeconds: 5, resolution: "720p", aspectRatio: "16:9", audio: true)
        let queue = requests.queue(spec, auth: auth)
        #expect(queue.url == "https://api.venice.ai/api/v1/video/queue")
        #expect(
            jsonBody(queue)
                == .object([
                    "model": .string("wan-2-7-text-to-video"), "prompt": .string("Venice"), "duration": .string("5s"),
                    "resolution": .string("720p"), "aspect_ratio": .string("16:9"), "audio": .bool(true),
                ]))
        let quote = requests.quote(spec, auth: auth)
        #expect(quote.url == "https://api.venice.ai/api/v1/video/quote")
        #expect(jsonBody(quote)?["prompt"] == nil)
    }

    @Test func retrieveKeepsMediaAndReadsLittle() {
        let retrieve = requests.retrieve(job, auth: auth)
        #expect(
            jsonBody(retrieve)
                == .object([
                    "model": .string("wan-2-7-text-to-video"), "queue_id": .string(job.providerJobID), "delete_media_on_completion": .bool(false),
                ]))
        #expect(retrieve.responseBytesMax == VeniceRequests.retrieveResponseBytesMax)
    }

    @Test func queueResponseWithDownloadURLAndBalanceHeader() throws {
        let response = recorded(
            200, #"{"model":"grok-imagine-text-to-video-private","queue_id":"q-1","download_url":"https://dl.venice.ai/x"}"#,
            headers: [HTTPHeader("X-Balance-Remaining", "4.230000")])
        let submission = try VeniceResponses.submission(response, paymentSource: .walletBalance(.usd))
        #expect(submission.providerJobID == "q-1")
        #expect(submission.downloadURL == "https://dl.venice.ai/x")
        #expect(submission.remainingBalance == usd("4.23"))
    }

    @Test func processingJSONGivesETA() throws {
        let status = try VeniceResponses.status(
            recorded(200, #"{"status":"PROCESSING","average_execution_time":145000,"execution_duration":53200}"#), job: job)
        #expect(status.state == .running)
        #expect(status.etaMilliseconds == 91_800)
        #expect(status.progressPercent == 36)
    }

    @Test func mp4BytesMeanCompleted() throws {
        let response = HTTPResponse(status: 200, headers: [HTTPHeader("Content-Type", "video/mp4")], body: [UInt8](repeating: 7, count: 90_000))
        let status = try VeniceResponses.status(response, job: job)
        #expect(status.state == .completed)
        #expect(status.inlineResult == .bytes(90_000))
        #expect(status.resultURLs.isEmpty)
    }

    @Test func jsonCompletedPointsAtTheDownloadURL() throws {
        var privateJob = job
        privateJob.downloadURL = "https://dl.venice.ai/x"
        let status = try VeniceResponses.status(recorded(200, #"{"status":"COMPLETED"}"#), job: privateJob)
        #expect(status.state == .completed && status.resultURLs == ["https://dl.venice.ai/x"])
    }

    @Test func tooLargeBodyIsTheFinishedVideo() async throws {
        let client = ScriptedHTTPClient([.failure(.responseTooLarge(limitBytes: VeniceRequests.retrieveResponseBytesMax))])
        let adapter = VeniceAdapter(
            endpoint: endpoint("https://api.venice.ai/api/v1"), auth: .apiKey(Secret("k")), client: client, logger: Logger(label: "t"))
        let status = try await adapter.status(of: job)
        #expect(status.state == .completed && status.inlineResult == .largerThan(VeniceRequests.retrieveResponseBytesMax))
    }

    @Test func errorBodies() {
        #expect(
            providerError { try VeniceResponses.status(recorded(404, #"{"error":"Media not found","code":"MEDIA_NOT_FOUND"}"#), job: job) }
                == .notFound(message: "Media not found"))
        let nested =
            #"{"error":{"message":"Blocked. Credits have been refunded.","type":"provider_content_policy","recommended_model":"wan-2-7-text-to-video","credits_refunded":true}}"#
        #expect(
            providerError { try VeniceResponses.status(recorded(422, nested), job: job) }
                == .contentPolicy(refunded: true, message: "Blocked. Credits have been refunded."))
        #expect(
            providerError { try VeniceResponses.status(recorded(422, #"{"error":"Blocked","credits_refunded":false}"#), job: job) }
                == .contentPolicy(refunded: false, message: "Blocked"))
        #expect(
            providerError { try VeniceResponses.status(recorded(503, #"{"error":"Model at capacity"}"#), job: job) }
                == .unavailable(status: 503, message: "Model at capacity"))
        #expect(
            providerError { try VeniceResponses.status(recorded(200, #"{"status":"FAILED"}"#), job: job) }
                == .malformedResponse(reason: "Venice retrieve: status 'FAILED'"))
    }

    @Test func paymentRequiredForAnAPIKey() throws {
        let details = try #require(
            paymentDetails(
                providerError {
                    try VeniceResponses.submission(
                        recorded(402, #"{"error":"Insufficient USD balance","code":"INSUFFICIENT_BALANCE"}"#), paymentSource: .accountBalance(.usd))
                }))
        #expect(details.code == "INSUFFICIENT_BALANCE" && details.x402Version == nil && details.requirements.isEmpty)
    }

    static let discoveryBody = """
        {"x402Version":2,"error":"Payment required",
         "resource":{"url":"https://api.venice.ai/api/v1/video/queue","description":"Venice API","mimeType":"application/json"},
         "accepts":[{"scheme":"exact","network":"solana","asset":"EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
                     "amount":"10000000","payTo":"8qUL","maxTimeoutSeconds":300,"extra":{"name":"USD Coin","version":"2","feePayer":"BFK9"}}],
         "extensions":{"sign-in-with-x":{}},
         "authOptions":{"apiKey":{},"x402Wallet":{"header":"SIGN-IN-WITH-X","legacyHeader":"X-Sign-In-With-X","topUp":"POST /api/v1/x402/top-up","docs":"d"}}}
        """

    @Test func x402Version2DiscoveryBody() throws {
        let details = try #require(
            paymentDetails(
                providerError {
                    try VeniceResponses.submission(recorded(402, Self.discoveryBody), paymentSource: .accountBalance(.usd))
                }))
        #expect(details.x402Version == 2)
        let requirement = try #require(details.requirements.first)
        #expect(requirement.amountBaseUnits == "10000000" && requirement.scheme == "exact" && requirement.payTo == "8qUL")
        #expect(requirement.usdcAmount == Money(micros: 10_000_000, currency: .usdc))
    }

    @Test func x402Version2FromThePaymentRequiredHeaderAlone() throws {
        let header = Data(Self.discoveryBody.utf8).base64EncodedString()
        let response = recorded(402, "{}", headers: [HTTPHeader("PAYMENT-REQUIRED", header)])
        let details = try #require(paymentDetails(providerError { try VeniceResponses.submission(response, paymentSource: .accountBalance(.usd)) }))
        #expect(details.x402Version == 2 && details.requirements.first?.network == "solana")
    }

    @Test func walletShortOfCredit() throws {
        let body = """
            {"error":"Payment required","code":"PAYMENT_REQUIRED","reason":"insufficient_balance","message":"Insufficient x402 balance",
             "currentBalanceUsd":0.01,"minimumBalanceUsd":0.1,"suggestedTopUpUsd":10,"minimumTopUpUsd":5,"supportedTokens":["USDC"],
             "supportedChains":["base","solana"],
             "topUpInstructions":{"step1":"a","receiverWallet":"w","tokenAddress":"t","tokenDecimals":6,"network":"eip155:8453","minimumAmountUsd":5},
             "siwxChallenge":{"info":{"domain":"api.venice.ai","statement":"Sign in to Venice AI"},"supportedChains":[{"chainId":"solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp","type":"ed25519"}]}}
            """
        let details = try #require(
            paymentDetails(providerError { try VeniceResponses.submission(recorded(402, body), paymentSource: .accountBalance(.usd)) }))
        #expect(details.code == "PAYMENT_REQUIRED")
        #expect(details.message == "Insufficient x402 balance")
        #expect(details.currentBalance == usd("0.01"))
        #expect(details.minimumTopUp == usd("5"))
    }

    @Test func quoteAndBalances() throws {
        #expect(try VeniceResponses.quote(recorded(200, #"{"quote": 0.085}"#)) == usd("0.085"))
        #expect(try VeniceResponses.quote(recorded(200, #"{"quote": 1e-5}"#)) == usd("0.00001"))
        let apiKey = #"{"canConsume":true,"consumptionCurrency":"USD","balances":{"diem":12.5,"usd":42.109876},"diemEpochAllocation":0}"#
        #expect(try VeniceResponses.apiKeyBalance(recorded(200, apiKey)).available == [usd("42.109876")])
        let wallet = #"{"success":true,"data":{"walletAddress":"w","balanceUsd":4.23,"canConsume":true,"minimumTopUpUsd":5,"suggestedTopUpUsd":10}}"#
        #expect(try VeniceResponses.walletBalance(recorded(200, wallet)).available == [usd("4.23")])
    }
}
