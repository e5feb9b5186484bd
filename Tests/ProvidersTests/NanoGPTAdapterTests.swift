import HTTPClient
import Money
import Testing

@testable import Providers

/// NanoGPT as docs/providers.md describes it: the 202 precharge, both status shapes, relative content URLs,
/// string balances, error types and the x402 `payment` object.
@Suite struct NanoGPTAdapterTests {
    static let base = endpoint("https://nano-gpt.com")
    let requests = NanoGPTRequests(endpoint: base, apiKey: Secret("nano-key"))

    @Test func durationsGoInEachModelsOwnForm() {
        // "format varies by model - '5s' for Veo2, '5' for Kling"; Sora's selector is `seconds`.
        let veo2 = jsonBody(requests.submit(ProviderJobSpec(model: "veo2-video", prompt: "p", durationSeconds: 8)))
        let grok = jsonBody(
            requests.submit(ProviderJobSpec(model: "grok-imagine-video", prompt: "p", durationSeconds: 8)))
        let sora = jsonBody(requests.submit(ProviderJobSpec(model: "sora-2", prompt: "p", durationSeconds: 12)))
        #expect(veo2?["duration"] == .string("8s") && veo2?["seconds"] == nil)
        #expect(grok?["duration"] == .string("8") && grok?["seconds"] == nil)
        #expect(sora?["duration"] == .string("12") && sora?["seconds"] == .string("12"))
    }

    @Test func requestsGoToTheConfiguredOriginWithTheKey() {
        let submit = requests.submit(
            ProviderJobSpec(model: "veo2-video", prompt: "lake", durationSeconds: 5, aspectRatio: "16:9", audio: true))
        #expect(submit.url == "https://nano-gpt.com/api/generate-video")
        #expect(submit.headers.contains(HTTPHeader("x-api-key", "nano-key")))
        #expect(
            jsonBody(submit)
                == .object([
                    "model": .string("veo2-video"), "prompt": .string("lake"), "duration": .string("5s"),
                    "aspect_ratio": .string("16:9"),
                    "generateAudio": .bool(true), "mode": .string("text-to-video"),
                ]))
        #expect(
            requests.status(providerJobID: "vid_m1abc123def456").url
                == "https://nano-gpt.com/api/video/status?requestId=vid_m1abc123def456")
        #expect(
            requests.balance().method == .post && requests.balance().url == "https://nano-gpt.com/api/check-balance")
    }

    @Test func submitPrechargeInUSD() throws {
        let submission = try NanoGPTResponses.submission(recorded(202, NanoGPTFixtures.submitUSD))
        #expect(submission.providerJobID == "vid_m1abc123def456")
        #expect(submission.precharge == usd("0.35"))
        #expect(submission.paymentSource == .accountBalance(.usd))
        #expect(submission.remainingBalance == usd("99.65"))
    }

    @Test func nestedShapeCompletedWithFinalCost() throws {
        let status = try NanoGPTResponses.status(
            recorded(200, NanoGPTFixtures.nestedCompleted), providerJobID: "vid_1", endpoint: Self.base)
        #expect(status.state == .completed)
        #expect(status.resultURLs == ["https://storage.example.com/video.mp4"])
        #expect(status.reportedCost == usd("0.35"))
        #expect(!status.refunded)
    }

    @Test func nestedShapeInProgressLowercase() throws {
        let status = try NanoGPTResponses.status(
            recorded(200, NanoGPTFixtures.nestedInProgress), providerJobID: "vid_1", endpoint: Self.base)
        #expect(status.state == .running && status.progressPercent == 40 && status.etaMilliseconds == 12_000)
        #expect(status.reportedCost == nil)
    }

    @Test func nestedShapeFailedIsRefunded() throws {
        let status = try NanoGPTResponses.status(
            recorded(200, NanoGPTFixtures.nestedFailed), providerJobID: "vid_1", endpoint: Self.base)
        #expect(status.state == .failed && status.refunded)
        #expect(status.failureReason == "content policy (NSFW): Prompt flagged")
        let canceled = try NanoGPTResponses.status(
            recorded(200, NanoGPTFixtures.nestedCanceled), providerJobID: "vid_1", endpoint: Self.base)
        #expect(canceled.state == .cancelled && !canceled.refunded)
    }

    @Test func flatShapeWithRelativeContentURL() throws {
        let status = try NanoGPTResponses.status(
            recorded(200, NanoGPTFixtures.flatCompleted), providerJobID: "vid_1", endpoint: Self.base)
        #expect(status.state == .completed)
        #expect(
            status.resultURLs == [
                "https://nano-gpt.com/api/generate-video/content?model=grok-imagine-video&runId=vid_1&variant=video"
            ])
        #expect(status.reportedCost == nil)
    }

    @Test func flatShapeStatesAndUnknown() throws {
        let queued = try NanoGPTResponses.status(
            recorded(200, NanoGPTFixtures.flatQueued), providerJobID: "v", endpoint: Self.base)
        #expect(queued.state == .queued)
        #expect(
            providerError {
                try NanoGPTResponses.status(
                    recorded(200, NanoGPTFixtures.flatUnknown), providerJobID: "v", endpoint: Self.base)
            } == .malformedResponse(reason: "NanoGPT video status: status 'unknown'"))
    }

    @Test func balanceStrings() throws {
        #expect(
            try NanoGPTResponses.balance(recorded(200, NanoGPTFixtures.balance)).available
                == [Money(micros: 129_469_561, currency: .usd), Money(micros: 26_718_011, currency: .xno)])
    }

    @Test func errorTypes() throws {
        #expect(
            providerError { try NanoGPTResponses.submission(recorded(400, NanoGPTFixtures.contentPolicy)) }
                == .contentPolicy(refunded: true, message: "Prompt violates policy"))
        let limited = recorded(429, NanoGPTFixtures.rateLimited, headers: [HTTPHeader("Retry-After", "7")])
        #expect(providerError { try NanoGPTResponses.submission(limited) } == .rateLimited(retryAfterSeconds: 7))
        #expect(
            paymentDetails(
                providerError { try NanoGPTResponses.submission(recorded(402, NanoGPTFixtures.insufficient)) })?.code
                == "INSUFFICIENT_BALANCE")
        #expect(
            providerError { try NanoGPTResponses.submission(recorded(400, NanoGPTFixtures.badDuration)) }
                == .rejected(status: 400, code: nil, message: "bad duration"))
        #expect(
            providerError { try NanoGPTResponses.submission(recorded(403, NanoGPTFixtures.proRequired)) }
                == .rejected(status: 403, code: "PRO_REQUIRED", message: "Pro required"))
    }

    @Test func x402PaymentObjectAndLegacyAccepts() throws {
        let details = try #require(
            paymentDetails(
                providerError { try NanoGPTResponses.submission(recorded(402, NanoGPTFixtures.x402Payment)) }))
        #expect(details.x402Version == 1)
        #expect(details.requirements.count == 1)
        #expect(details.requirements.first?.usdcAmount == Money(micros: 350_000, currency: .usdc))
        #expect(details.code == "x402_payment_required")
    }
}

extension NanoGPTAdapterTests {
    @Test func theKeyGoesOnlyToNanoGPTsOrigin() {
        let proxied = requests.content(
            url: "/api/generate-video/content?model=grok-imagine-video&runId=vid_1&variant=video",
            responseBytesMax: 1 << 20)
        #expect(
            proxied.url
                == "https://nano-gpt.com/api/generate-video/content?model=grok-imagine-video&runId=vid_1&variant=video")
        #expect(proxied.headers.contains(HTTPHeader("x-api-key", "nano-key")))
        for foreign in [
            "https://storage.example.com/video.mp4", "https://nano-gpt.com.evil.example/x", "http://nano-gpt.com/x",
        ] {
            #expect(requests.content(url: foreign, responseBytesMax: 1 << 20).headers.isEmpty)
        }
    }
}
