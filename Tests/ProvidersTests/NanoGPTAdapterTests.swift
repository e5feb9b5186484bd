import HTTPClient
import Money
import Testing

@testable import Providers

/// NanoGPT against reference §4: the 202 precharge, both status shapes, relative content URLs,
/// string balances, error types and the x402 `payment` object.
@Suite struct NanoGPTAdapterTests {
    static let base = endpoint("https://nano-gpt.com")
    let requests = NanoGPTRequests(endpoint: base, apiKey: Secret("nano-key"))

    @Test func requestsGoToTheConfiguredOriginWithTheKey() {
        let submit = requests.submit(ProviderJobSpec(model: "veo2-video", prompt: "lake", durationSeconds: 5, aspectRatio: "16:9", audio: true))
        #expect(submit.url == "https://nano-gpt.com/api/generate-video")
        #expect(submit.headers.contains(HTTPHeader("x-api-key", "nano-key")))
        #expect(
            jsonBody(submit)
                == .object([
                    "model": .string("veo2-video"), "prompt": .string("lake"), "duration": .string("5"), "aspect_ratio": .string("16:9"),
                    "generateAudio": .bool(true), "mode": .string("text-to-video"),
                ]))
        #expect(requests.status(providerJobID: "vid_m1abc123def456").url == "https://nano-gpt.com/api/video/status?requestId=vid_m1abc123def456")
        #expect(requests.balance().method == .post && requests.balance().url == "https://nano-gpt.com/api/check-balance")
    }

    @Test func submitPrecharge() throws {
        let body =
            #"{"runId":"vid_m1abc123def456","id":"vid_m1abc123def456","status":"pending","model":"veo2-video","cost":0.35,"paymentSource":"XNO","remainingBalance":12.5,"prechargeLabel":"string"}"#
        let submission = try NanoGPTResponses.submission(recorded(202, body))
        #expect(submission.providerJobID == "vid_m1abc123def456")
        #expect(submission.precharge == usd("0.35"))
        #expect(submission.paymentSource == .accountBalance(.xno))
        #expect(submission.remainingBalance == Money(micros: 12_500_000, currency: .xno))
    }

    @Test func nestedShapeCompletedWithFinalCost() throws {
        let body = """
            {"requestId":"vid_1","model":"sora-2",
             "data":{"status":"COMPLETED","requestId":"vid_1","output":{"video":{"url":"https://storage.example.com/video.mp4"}},"cost":0.35}}
            """
        let status = try NanoGPTResponses.status(recorded(200, body), providerJobID: "vid_1", endpoint: Self.base)
        #expect(status.state == .completed)
        #expect(status.resultURLs == ["https://storage.example.com/video.mp4"])
        #expect(status.reportedCost == usd("0.35"))
        #expect(!status.refunded)
    }

    @Test func nestedShapeInProgressLowercase() throws {
        let body =
            #"{"requestId":"vid_1","data":{"status":"in_progress","progress":40,"estimatedTimeRemaining":12,"details":"Video is being generated"}}"#
        let status = try NanoGPTResponses.status(recorded(200, body), providerJobID: "vid_1", endpoint: Self.base)
        #expect(status.state == .running && status.progressPercent == 40 && status.etaMilliseconds == 12_000)
        #expect(status.reportedCost == nil)
    }

    @Test func nestedShapeFailedIsRefunded() throws {
        let body = #"{"requestId":"vid_1","data":{"status":"FAILED","error":"nsfw","isNSFWError":true,"userFriendlyError":"Prompt flagged"}}"#
        let status = try NanoGPTResponses.status(recorded(200, body), providerJobID: "vid_1", endpoint: Self.base)
        #expect(status.state == .failed && status.refunded)
        #expect(status.failureReason == "content policy (NSFW): Prompt flagged")
        let canceled = try NanoGPTResponses.status(recorded(200, #"{"data":{"status":"CANCELED"}}"#), providerJobID: "vid_1", endpoint: Self.base)
        #expect(canceled.state == .cancelled && !canceled.refunded)
    }

    @Test func flatShapeWithRelativeContentURL() throws {
        let body = """
            {"requestId":"vid_1","status":"completed","progress":null,"estimatedTimeRemaining":null,
             "videoUrl":"/api/generate-video/content?model=grok-imagine-video&runId=vid_1&variant=video","error":null,
             "createdAt":"2026-08-22T10:00:00Z","completedAt":"2026-08-22T10:02:00Z"}
            """
        let status = try NanoGPTResponses.status(recorded(200, body), providerJobID: "vid_1", endpoint: Self.base)
        #expect(status.state == .completed)
        #expect(status.resultURLs == ["https://nano-gpt.com/api/generate-video/content?model=grok-imagine-video&runId=vid_1&variant=video"])
        #expect(status.reportedCost == nil)
    }

    @Test func flatShapeStatesAndUnknown() throws {
        let queued = try NanoGPTResponses.status(
            recorded(200, #"{"requestId":"v","status":"queued","videoUrl":null}"#), providerJobID: "v", endpoint: Self.base)
        #expect(queued.state == .queued)
        #expect(
            providerError {
                try NanoGPTResponses.status(recorded(200, #"{"requestId":"v","status":"unknown"}"#), providerJobID: "v", endpoint: Self.base)
            } == .malformedResponse(reason: "NanoGPT video status: status 'unknown'"))
    }

    @Test func balanceStrings() throws {
        let body = #"{"usd_balance":"129.46956147","nano_balance":"26.71801147","nanoDepositAddress":"nano_1"}"#
        #expect(
            try NanoGPTResponses.balance(recorded(200, body)).available
                == [Money(micros: 129_469_561, currency: .usd), Money(micros: 26_718_011, currency: .xno)])
    }

    @Test func errorTypes() throws {
        let policy = #"{"error":{"message":"Prompt violates policy","type":"CONTENT_POLICY_VIOLATION"},"refundMessage":"Refunded"}"#
        #expect(
            providerError { try NanoGPTResponses.submission(recorded(400, policy)) }
                == .contentPolicy(refunded: true, message: "Prompt violates policy"))
        let limited = recorded(429, #"{"error":{"message":"Slow down","type":"RATE_LIMITED"}}"#, headers: [HTTPHeader("Retry-After", "7")])
        #expect(providerError { try NanoGPTResponses.submission(limited) } == .rateLimited(retryAfterSeconds: 7))
        let insufficient = #"{"error":{"message":"Insufficient balance","type":"INSUFFICIENT_BALANCE"}}"#
        #expect(paymentDetails(providerError { try NanoGPTResponses.submission(recorded(402, insufficient)) })?.code == "INSUFFICIENT_BALANCE")
        #expect(
            providerError { try NanoGPTResponses.submission(recorded(400, #"{"error":400,"message":"bad duration"}"#)) }
                == .rejected(status: 400, code: nil, message: "bad duration"))
        #expect(
            providerError { try NanoGPTResponses.submission(recorded(403, #"{"error":{"message":"Pro required","type":"PRO_REQUIRED"}}"#)) }
                == .rejected(status: 403, code: "PRO_REQUIRED", message: "Pro required"))
    }

    @Test func x402PaymentObjectAndLegacyAccepts() throws {
        let body = """
            {"error":{"type":"insufficient_quota","code":"x402_payment_required","message":"Payment required"},
             "payment":{"version":1,"paymentId":"p1","requestHash":"h","expiresAt":"2026-01-01T00:00:00Z","amountUsd":0.35,
                        "statusUrl":"/s","completeUrl":"/c",
                        "accepted":[{"scheme":"x402-exact","protocolScheme":"exact","network":"base","amount":"350000",
                                     "amountFormatted":"0.35","amountUsd":0.35,"payTo":"0xpay","asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"},
                                    {"scheme":"nano","network":"nano","amount":"1000000000000000000000000000000","amountUsd":0.35,"payTo":"nano_1"}]},
             "x402Version":1,
             "accepts":[{"scheme":"exact","network":"base","maxAmountRequired":"350000","payTo":"0xpay","asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"}]}
            """
        let details = try #require(paymentDetails(providerError { try NanoGPTResponses.submission(recorded(402, body)) }))
        #expect(details.x402Version == 1)
        #expect(details.requirements.count == 1)
        #expect(details.requirements.first?.usdcAmount == Money(micros: 350_000, currency: .usdc))
        #expect(details.code == "x402_payment_required")
    }
}

extension NanoGPTAdapterTests {
    @Test func theKeyGoesOnlyToNanoGPTsOrigin() {
        let proxied = requests.content(
            url: "/api/generate-video/content?model=grok-imagine-video&runId=vid_1&variant=video", responseBytesMax: 1 << 20)
        #expect(proxied.url == "https://nano-gpt.com/api/generate-video/content?model=grok-imagine-video&runId=vid_1&variant=video")
        #expect(proxied.headers.contains(HTTPHeader("x-api-key", "nano-key")))
        for foreign in ["https://storage.example.com/video.mp4", "https://nano-gpt.com.evil.example/x", "http://nano-gpt.com/x"] {
            #expect(requests.content(url: foreign, responseBytesMax: 1 << 20).headers.isEmpty)
        }
    }
}
