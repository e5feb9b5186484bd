import Foundation
import HTTPClient
import Logging
import Money
import Testing

@testable import Providers

/// Venice as docs/providers.md describes it: queue with `download_url` and `X-Balance-Remaining`, retrieve
/// as JSON or `video/mp4`, the three 402 bodies, 404 / 422 / 503.
@Suite struct VeniceAdapterTests {
    let requests = VeniceRequests(endpoint: endpoint("https://api.venice.ai/api/v1"))
    let auth = HTTPHeader("Authorization", "Bearer key")
    let job = ProviderJobHandle(providerJobID: "123e4567-e89b-12d3-a456-426614174000", model: "wan-2-7-text-to-video")

    @Test func queueAndQuoteRequests() {
        let spec = ProviderJobSpec(
            model: "wan-2-7-text-to-video", prompt: "Venice", durationSeconds: 5, resolution: "720p",
            aspectRatio: "16:9", audio: true)
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

    @Test func resolutionsGoInVenicesOwnSpelling() {
        // QueueVideoRequest / QuoteVideoRequest spell MiniMax's resolution 768P; the rest as named.
        for (token, sent) in [
            ("768p", "768P"), ("768P", "768P"), ("2k", "2K"), ("720p", "720p"), ("4k", "4k"), ("1080p", "1080p"),
        ] {
            let spec = ProviderJobSpec(
                model: "minimax-h3-hyper-text-to-video", prompt: "p", durationSeconds: 6, resolution: token)
            #expect(jsonBody(requests.queue(spec, auth: auth))?["resolution"] == .string(sent), "\(token)")
            #expect(jsonBody(requests.quote(spec, auth: auth))?["resolution"] == .string(sent), "\(token)")
        }
    }

    @Test func retrieveKeepsMediaAndReadsLittle() {
        let retrieve = requests.retrieve(job, auth: auth)
        #expect(
            jsonBody(retrieve)
                == .object([
                    "model": .string("wan-2-7-text-to-video"), "queue_id": .string(job.providerJobID),
                    "delete_media_on_completion": .bool(false),
                ]))
        #expect(retrieve.responseBytesMax == VeniceRequests.retrieveResponseBytesMax)
    }

    @Test func queueResponseWithDownloadURLAndBalanceHeader() throws {
        let response = recorded(200, VeniceFixtures.queue, headers: [VeniceFixtures.balanceRemaining])
        let submission = try VeniceResponses.submission(response, paymentSource: .walletBalance(.usd))
        #expect(submission.providerJobID == "q-1")
        #expect(submission.downloadURL == "https://dl.venice.ai/x")
        #expect(submission.remainingBalance == usd("4.23"))
    }

    @Test func processingJSONGivesETA() throws {
        let status = try VeniceResponses.status(recorded(200, VeniceFixtures.processing), job: job)
        #expect(status.state == .running)
        #expect(status.etaMilliseconds == 91_800)
        #expect(status.progressPercent == 36)
    }

    @Test func mp4BytesMeanCompleted() throws {
        let status = try VeniceResponses.status(mp4(bytes: 90_000), job: job)
        #expect(status.state == .completed)
        #expect(status.inlineResult == .bytes(90_000))
        #expect(status.resultURLs.isEmpty)
    }

    @Test func jsonCompletedPointsAtTheDownloadURL() throws {
        var privateJob = job
        privateJob.downloadURL = "https://dl.venice.ai/x"
        let status = try VeniceResponses.status(recorded(200, VeniceFixtures.completed), job: privateJob)
        #expect(status.state == .completed && status.resultURLs == ["https://dl.venice.ai/x"])
    }

    @Test func tooLargeBodyIsTheFinishedVideo() async throws {
        let client = ScriptedHTTPClient([
            .failure(.responseTooLarge(limitBytes: VeniceRequests.retrieveResponseBytesMax))
        ])
        let adapter = VeniceAdapter(
            endpoint: endpoint("https://api.venice.ai/api/v1"), auth: .apiKey(Secret("k")), client: client,
            logger: Logger(label: "t"))
        let status = try await adapter.status(of: job)
        #expect(
            status.state == .completed && status.inlineResult == .largerThan(VeniceRequests.retrieveResponseBytesMax))
    }

    @Test func errorBodies() {
        #expect(
            providerError { try VeniceResponses.status(recorded(404, VeniceFixtures.notFound), job: job) }
                == .notFound(message: "Media not found"))
        #expect(
            providerError { try VeniceResponses.status(recorded(422, VeniceFixtures.contentPolicyNested), job: job) }
                == .contentPolicy(refunded: true, message: "Blocked. Credits have been refunded."))
        #expect(
            providerError { try VeniceResponses.status(recorded(422, VeniceFixtures.contentPolicyFlat), job: job) }
                == .contentPolicy(refunded: false, message: "Blocked"))
        #expect(
            providerError { try VeniceResponses.status(recorded(503, VeniceFixtures.atCapacity), job: job) }
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
                        recorded(402, VeniceFixtures.insufficientBalance), paymentSource: .accountBalance(.usd))
                }))
        #expect(details.code == "INSUFFICIENT_BALANCE" && details.x402Version == nil && details.requirements.isEmpty)
    }

    static let discoveryBody = VeniceFixtures.discovery

    @Test func x402Version2DiscoveryBody() throws {
        let details = try #require(
            paymentDetails(
                providerError {
                    try VeniceResponses.submission(
                        recorded(402, Self.discoveryBody), paymentSource: .accountBalance(.usd))
                }))
        #expect(details.x402Version == 2)
        let requirement = try #require(details.requirements.first)
        #expect(
            requirement.amountBaseUnits == "10000000" && requirement.scheme == "exact" && requirement.payTo == "8qUL")
        #expect(requirement.usdcAmount == Money(micros: 10_000_000, currency: .usdc))
    }

    @Test func x402Version2FromThePaymentRequiredHeaderAlone() throws {
        let header = Data(Self.discoveryBody.utf8).base64EncodedString()
        let response = recorded(402, "{}", headers: [HTTPHeader("PAYMENT-REQUIRED", header)])
        let details = try #require(
            paymentDetails(
                providerError { try VeniceResponses.submission(response, paymentSource: .accountBalance(.usd)) }))
        #expect(details.x402Version == 2 && details.requirements.first?.network == "solana")
    }

    @Test func walletShortOfCredit() throws {
        let details = try #require(
            paymentDetails(
                providerError {
                    try VeniceResponses.submission(
                        recorded(402, VeniceFixtures.walletShortOfCredit), paymentSource: .accountBalance(.usd))
                }))
        #expect(details.code == "PAYMENT_REQUIRED")
        #expect(details.message == "Insufficient x402 balance")
        #expect(details.currentBalance == usd("0.01"))
        #expect(details.minimumTopUp == usd("5"))
    }

    @Test func quoteAndBalances() throws {
        #expect(try VeniceResponses.quote(recorded(200, VeniceFixtures.quote)) == usd("0.085"))
        #expect(try VeniceResponses.quote(recorded(200, VeniceFixtures.quoteExponent)) == usd("0.00001"))
        #expect(
            try VeniceResponses.apiKeyBalance(recorded(200, VeniceFixtures.apiKeyBalance)).available == [
                usd("42.109876")
            ])
        #expect(
            try VeniceResponses.walletBalance(recorded(200, VeniceFixtures.walletBalance)).available == [usd("4.23")])
    }
}
