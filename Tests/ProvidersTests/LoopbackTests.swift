import HTTPClient
import Money
import ProviderSimulator
import Testing

@testable import Providers

/// Every adapter against the simulator over real loopback HTTP. Default simulator prices are
/// $0.10 per second, so a 5-second job precharges 0.5 of the provider's currency.
@Suite(.serialized) struct LoopbackTests {
    @Test func aimoQueueRetrieveAndBalanceWithASolanaWallet() async throws {
        try await Loopback.with { loopback in
            let adapter = try loopback.aimo()
            let submission = try await adapter.submit(
                ProviderJobSpec(
                    model: "kling-v2", prompt: prompt("complete_after_ms=300"), durationSeconds: 5, count: 2))
            #expect(submission.providerJobID.contains(":"))
            #expect(submission.variantsExpected == 2)
            let (final, _) = try await loopback.pollUntilTerminal(
                adapter, ProviderJobHandle(providerJobID: submission.providerJobID, model: "kling-v2"))
            #expect(final.state == .completed && final.resultURLs.count == 1)
            #expect(try await adapter.balance()?.available == [Money(micros: 99_500_000, currency: .usdc)])
        }
    }

    @Test func aimoRefusesAHeaderForAnotherDomain() async throws {
        try await Loopback.with { loopback in
            let foreign = try SignInWithX.aimoHeader(
                keypair: try WalletTests.keypair(), requestURL: "https://beta.aimo.network/api/v1/session/balance",
                nowUnixMilliseconds: 1_767_225_600_000)
            let adapter = try loopback.aimo(wallet: .preSignedHeader(Secret(foreign)))
            await #expect(throws: ProviderError.authentication(message: "Missing or invalid SIGN-IN-WITH-X header")) {
                try await adapter.balance()
            }
        }
    }

    @Test(arguments: [OpenAIVideosRequests.BodyEncoding.multipart, .json])
    func gatewayBillsTheSecondsItReports(encoding: OpenAIVideosRequests.BodyEncoding) async throws {
        try await Loopback.with { loopback in
            let adapter = loopback.openAIVideos(encoding)
            let spec = ProviderJobSpec(
                model: "sora-2", prompt: prompt("complete_after_ms=300 billed_seconds=6"), durationSeconds: 8,
                resolution: "720p")
            let submission = try await adapter.submit(spec)
            let (final, seen) = try await loopback.pollUntilTerminal(
                adapter, ProviderJobHandle(providerJobID: submission.providerJobID, model: "sora-2"))
            #expect(final.state == .completed && final.billedSeconds == 6)
            #expect(
                final.resultURLs == [
                    "\(loopback.endpoints[.openAIVideos]!.baseURL)/v1/videos/\(submission.providerJobID)/content"
                ])
            #expect(seen.dropLast().allSatisfy { $0.billedSeconds == nil })
            let expires = try #require(final.expiresAtUnixMilliseconds)
            #expect(expires > 1_700_000_000_000)
        }
    }

    @Test func gatewaySecondTimestampsAndFailures() async throws {
        try await Loopback.with(defaults: "timestamps=s complete_after_ms=0") { loopback in
            let adapter = loopback.openAIVideos()
            let done = try await adapter.submit(ProviderJobSpec(model: "veo3", prompt: "x", durationSeconds: 4))
            let status = try await adapter.status(
                of: ProviderJobHandle(providerJobID: done.providerJobID, model: "veo3"))
            #expect((status.expiresAtUnixMilliseconds ?? 0) % 1000 == 0)
            let failed = try await adapter.submit(
                ProviderJobSpec(model: "veo3", prompt: prompt("outcome=content_policy"), durationSeconds: 4))
            let failedStatus = try await adapter.status(
                of: ProviderJobHandle(providerJobID: failed.providerJobID, model: "veo3"))
            #expect(failedStatus.state == .failed && failedStatus.failureReason == "Simulated content_policy")
            await #expect(throws: ProviderError.notFound(message: "video not found")) {
                try await adapter.status(of: ProviderJobHandle(providerJobID: "video_nope", model: "veo3"))
            }
        }
    }

    @Test func veniceProcessingThenMP4() async throws {
        try await Loopback.with { loopback in
            let adapter = loopback.venice()
            #expect(
                try await adapter.quote(ProviderJobSpec(model: "wan-2-7-text-to-video", prompt: "", durationSeconds: 5))
                    == Money(micros: 500_000, currency: .usd))
            // Three seconds of rendering: long enough that a loaded machine still polls it once
            // while it runs (at 600 ms a CI run's first poll came after the finish).
            let spec = ProviderJobSpec(
                model: "wan-2-7-text-to-video", prompt: prompt("complete_after_ms=3000 video_bytes=4096"),
                durationSeconds: 5)
            let submission = try await adapter.submit(spec)
            #expect(submission.downloadURL == nil && submission.remainingBalance == nil)
            let handle = ProviderJobHandle(providerJobID: submission.providerJobID, model: spec.model)
            let (final, seen) = try await loopback.pollUntilTerminal(adapter, handle)
            #expect(seen.contains { $0.state == .running && $0.etaMilliseconds != nil })
            #expect(final.state == .completed && final.inlineResult == .bytes(4096))
            #expect(try await adapter.balance()?.available == [Money(micros: 99_500_000, currency: .usd)])
        }
    }

    @Test func veniceLargeVideoIsNotRead() async throws {
        try await Loopback.with(defaults: "complete_after_ms=0") { loopback in
            let adapter = loopback.venice()
            let spec = ProviderJobSpec(
                model: "wan-2-7-text-to-video", prompt: prompt("video_bytes=400000"), durationSeconds: 5)
            let submission = try await adapter.submit(spec)
            let status = try await adapter.status(
                of: ProviderJobHandle(providerJobID: submission.providerJobID, model: spec.model))
            #expect(
                status.state == .completed
                    && status.inlineResult == .largerThan(VeniceRequests.retrieveResponseBytesMax))
        }
    }

    @Test func venicePrivateModelCompletesAsJSONWithItsDownloadURL() async throws {
        try await Loopback.with(defaults: "complete_after_ms=0") { loopback in
            let adapter = loopback.venice()
            let spec = ProviderJobSpec(model: "grok-imagine-text-to-video-private", prompt: "x", durationSeconds: 5)
            let submission = try await adapter.submit(spec)
            let downloadURL = try #require(submission.downloadURL)
            let handle = ProviderJobHandle(
                providerJobID: submission.providerJobID, model: spec.model, downloadURL: downloadURL)
            let status = try await adapter.status(of: handle)
            #expect(status.state == .completed && status.resultURLs == [downloadURL] && status.inlineResult == nil)
            let file = try await loopback.client.execute(HTTPRequest(method: .get, url: downloadURL))
            #expect(file.status == 200 && file.mediaType == "video/mp4")
        }
    }

    @Test func veniceContentPolicyRefunds() async throws {
        try await Loopback.with(defaults: "complete_after_ms=0") { loopback in
            let adapter = loopback.venice()
            for (scenario, refunded, balance) in [
                ("outcome=content_policy", true, Int64(100_000_000)),
                ("outcome=content_policy refund=false error_shape=flat", false, 99_500_000),
            ] {
                let spec = ProviderJobSpec(model: "wan-2-7-text-to-video", prompt: prompt(scenario), durationSeconds: 5)
                let submission = try await adapter.submit(spec)
                let error = await #expect(throws: ProviderError.self) {
                    try await adapter.status(
                        of: ProviderJobHandle(providerJobID: submission.providerJobID, model: spec.model))
                }
                guard case .contentPolicy(let flag, _) = error else {
                    Issue.record("not content policy: \(String(describing: error))")
                    continue
                }
                #expect(flag == refunded)
                #expect(try await adapter.balance()?.available == [Money(micros: balance, currency: .usd)])
            }
        }
    }

    @Test func veniceWalletSeesBalanceRemainingAndInsufficientCredit() async throws {
        try await Loopback.with { loopback in
            let adapter = loopback.venice(.wallet(try WalletTests.keypair()))
            let submission = try await adapter.submit(
                ProviderJobSpec(model: "wan-2-7-text-to-video", prompt: "x", durationSeconds: 5))
            #expect(submission.paymentSource == .walletBalance(.usd))
            #expect(submission.remainingBalance == Money(micros: 99_500_000, currency: .usd))
            #expect(try await adapter.balance()?.available == [Money(micros: 99_500_000, currency: .usd)])
            try await loopback.control(.venice, "balance_usd=0.1")
            let error = await #expect(throws: ProviderError.self) {
                try await adapter.submit(
                    ProviderJobSpec(model: "wan-2-7-text-to-video", prompt: "x", durationSeconds: 5))
            }
            let details = try #require(paymentDetails(error))
            #expect(
                details.code == "PAYMENT_REQUIRED" && details.currentBalance == Money(micros: 100_000, currency: .usd))
        }
    }

    @Test func nanoGPTNestedShapeSettlesTheFinalCost() async throws {
        try await Loopback.with { loopback in
            let adapter = loopback.nanoGPT()
            let spec = ProviderJobSpec(
                model: "veo2-video", prompt: prompt("complete_after_ms=300 final_cost=0.40"), durationSeconds: 5)
            let submission = try await adapter.submit(spec)
            #expect(submission.precharge == Money(micros: 500_000, currency: .usd))
            #expect(submission.paymentSource == .accountBalance(.usd))
            #expect(submission.remainingBalance == Money(micros: 99_500_000, currency: .usd))
            let (final, _) = try await loopback.pollUntilTerminal(
                adapter, ProviderJobHandle(providerJobID: submission.providerJobID, model: spec.model))
            #expect(final.state == .completed && final.reportedCost == Money(micros: 400_000, currency: .usd))
            #expect(final.resultURLs.first?.hasPrefix(loopback.endpoints[.nanoGPT]!.origin) == true)
            let balance = try #require(try await adapter.balance())
            #expect(balance.available(in: .usd) == Money(micros: 99_600_000, currency: .usd))
            #expect(balance.available(in: .xno) == Money(micros: 50_000_000, currency: .xno))
        }
    }

    @Test func nanoGPTFlatShapeRelativeURLAndXNO() async throws {
        try await Loopback.with(defaults: "complete_after_ms=0 shape=flat url_style=relative payment_source=XNO") {
            loopback in
            let adapter = loopback.nanoGPT()
            let submission = try await adapter.submit(
                ProviderJobSpec(model: "grok-imagine-video", prompt: "x", durationSeconds: 6))
            #expect(submission.paymentSource == .accountBalance(.xno))
            #expect(submission.remainingBalance == Money(micros: 49_400_000, currency: .xno))
            let status = try await adapter.status(
                of: ProviderJobHandle(providerJobID: submission.providerJobID, model: "grok-imagine-video"))
            let url = try #require(status.resultURLs.first)
            #expect(
                url == loopback.endpoints[.nanoGPT]!.origin
                    + "/api/generate-video/content?model=grok-imagine-video&runId=\(submission.providerJobID)&variant=video"
            )
            #expect(loopback.endpoints[.nanoGPT]!.isSameOrigin(url))
            #expect(status.reportedCost == nil)
        }
    }

    @Test func nanoGPTFailureIsRefunded() async throws {
        try await Loopback.with(defaults: "complete_after_ms=0") { loopback in
            let adapter = loopback.nanoGPT()
            let submission = try await adapter.submit(
                ProviderJobSpec(model: "m", prompt: prompt("outcome=content_policy"), durationSeconds: 5))
            let status = try await adapter.status(
                of: ProviderJobHandle(providerJobID: submission.providerJobID, model: "m"))
            #expect(status.state == .failed && status.refunded)
            #expect(status.failureReason?.hasPrefix("content policy (NSFW)") == true)
            #expect(try await adapter.balance()?.available(in: .usd) == Money(micros: 100_000_000, currency: .usd))
        }
    }

    @Test func aigateAnswersWhenDoneAndTheBalanceDiffIsTheCost() async throws {
        try await Loopback.with { loopback in
            let adapter = loopback.aigate()
            let submission = try await adapter.submit(
                ProviderJobSpec(
                    model: "klingai/kling-v3.0-t2v", prompt: prompt("complete_after_ms=300 final_cost=0.37"),
                    durationSeconds: 5))
            let final = try #require(submission.finalStatus)
            #expect(
                final.state == .completed && final.billedSeconds == 5 && submission.providerJobID.hasPrefix("task_sim"))
            let before = try #require(submission.balanceBefore?.spentToDate)
            let after = try #require(final.balance?.spentToDate)
            #expect(try after.subtracting(before) == Money(micros: 370_000, currency: .usd))
            let file = try await loopback.client.execute(
                HTTPRequest(
                    method: .get, url: try #require(final.resultURLs.first),
                    headers: [HTTPHeader("Authorization", "Bearer sk-test")]))
            #expect(file.status == 200)
        }
    }

    @Test func aigateInsufficientQuotaIsPaymentRequired() async throws {
        try await Loopback.with { loopback in
            try await loopback.control(.aigate, "balance_usd=0.2")
            let error = await #expect(throws: ProviderError.self) {
                try await loopback.aigate().submit(ProviderJobSpec(model: "m", prompt: "x", durationSeconds: 5))
            }
            #expect(paymentDetails(error)?.code == "insufficient_quota")
        }
    }

    @Test func aigateTimeoutLeavesAJobThatStillCharges() async throws {
        try await Loopback.with { loopback in
            let adapter = loopback.aigate(generationTimeoutMilliseconds: 400)
            await #expect(throws: ProviderError.transport(.timedOut)) {
                try await adapter.submit(
                    ProviderJobSpec(model: "m", prompt: prompt("complete_after_ms=1200"), durationSeconds: 5))
            }
            try await Task.sleep(for: .milliseconds(1_000))
            #expect(try await adapter.balance()?.spentToDate == Money(micros: 500_000, currency: .usd))
        }
    }

    @Test func faultRatesReachTheAdapters() async throws {
        try await Loopback.with { loopback in
            let adapter = loopback.nanoGPT()
            try await loopback.control(.nanoGPT, "rate_429=1 retry_after_seconds=3")
            await #expect(throws: ProviderError.rateLimited(retryAfterSeconds: 3)) { try await adapter.balance() }
            try await loopback.control(.nanoGPT, "rate_429=0 rate_5xx=1")
            await #expect(
                throws: ProviderError.unavailable(status: 503, message: "The model is at capacity (simulated)")
            ) {
                try await adapter.balance()
            }
            try await loopback.control(.nanoGPT, "rate_5xx=0 rate_malformed=1")
            await #expect(
                throws: ProviderError.malformedResponse(
                    reason: "NanoGPT check-balance: HTTP 200 body is not JSON (19 bytes)")
            ) {
                try await adapter.balance()
            }
            try await loopback.control(.nanoGPT, "rate_malformed=0 rate_402=1")
            let error = await #expect(throws: ProviderError.self) { try await adapter.balance() }
            #expect(paymentDetails(error)?.code == "INSUFFICIENT_BALANCE")
        }
    }

    @Test func aForcedMalformedSubmitStillCreatesTheJob() async throws {
        try await Loopback.with { (loopback: Loopback) async throws in
            let adapter = loopback.venice()
            await #expect(throws: ProviderError.self) {
                try await adapter.submit(
                    ProviderJobSpec(
                        model: "wan-2-7-text-to-video", prompt: prompt("fault=malformed"), durationSeconds: 5))
            }
            #expect(try await adapter.balance()?.available == [Money(micros: 99_500_000, currency: .usd)])
        }
    }

    @Test func forcedSubmitFaultsChargeNothing() async throws {
        try await Loopback.with(defaults: "retry_after_seconds=5") { (loopback: Loopback) async throws in
            let adapter = loopback.nanoGPT()
            await #expect(throws: ProviderError.rateLimited(retryAfterSeconds: 5)) {
                try await adapter.submit(ProviderJobSpec(model: "m", prompt: prompt("fault=429"), durationSeconds: 5))
            }
            await #expect(
                throws: ProviderError.unavailable(status: 503, message: "The model is at capacity (simulated)")
            ) {
                try await adapter.submit(ProviderJobSpec(model: "m", prompt: prompt("fault=5xx"), durationSeconds: 5))
            }
            #expect(try await adapter.balance()?.available(in: .usd) == Money(micros: 100_000_000, currency: .usd))
        }
    }

    @Test func aigateContentPolicyIsTyped() async throws {
        try await Loopback.with { loopback in
            await #expect(
                throws: ProviderError.contentPolicy(
                    refunded: false, message: "The request was rejected by the content filter")
            ) {
                try await loopback.aigate().submit(
                    ProviderJobSpec(
                        model: "m", prompt: prompt("complete_after_ms=50 outcome=content_policy"), durationSeconds: 5))
            }
        }
    }
}
