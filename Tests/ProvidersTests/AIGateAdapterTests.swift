import HTTPClient
import Logging
import Money
import Testing

@testable import Providers

/// AIGate as docs/providers.md describes it: synchronous generation, balance, error table.
@Suite struct AIGateAdapterTests {
    static let base = endpoint("https://api.aigate.shop")
    static let generation = AIGateFixtures.generation
    static func balance(used: String) -> String { AIGateFixtures.balance(used: used) }

    @Test func generationRequestHasALongDeadline() {
        let request = AIGateRequests(endpoint: Self.base, apiKey: Secret("sk-your-api-key"))
            .generate(
                ProviderJobSpec(
                    model: "klingai/kling-v3.0-t2v", prompt: "glass sphere", durationSeconds: 5, resolution: "720p",
                    aspectRatio: "16:9", audio: false,
                    quality: "pro"))
        #expect(request.url == "https://api.aigate.shop/v1/video/generations")
        #expect(request.timeoutMilliseconds == 900_000)
        #expect(
            jsonBody(request)
                == .object([
                    "model": .string("klingai/kling-v3.0-t2v"), "prompt": .string("glass sphere"),
                    "duration": .number("5"),
                    "resolution": .string("720p"), "aspect_ratio": .string("16:9"), "audio": .bool(false),
                    "n": .number("1"),
                    "quality": .string("pro"),
                ]))
    }

    @Test func resolutionsGoInAIGatesOwnSpelling() {
        // Its docs write 480p, 720p, 1080p and 4K.
        let requests = AIGateRequests(endpoint: Self.base, apiKey: Secret("k"))
        for (token, sent) in [("4k", "4K"), ("4K", "4K"), ("720p", "720p"), ("1080p", "1080p")] {
            let spec = ProviderJobSpec(
                model: "klingai/kling-v3.0-t2v", prompt: "p", durationSeconds: 5, resolution: token)
            #expect(jsonBody(requests.generate(spec))?["resolution"] == .string(sent), "\(token)")
        }
    }

    @Test func generationFromTheSeed() throws {
        let status = try AIGateResponses.generation(recorded(200, Self.generation))
        #expect(status.providerJobID == "task_qZj21ARTSQzsyHoh82QBs7oPwnKvCOIu")
        #expect(status.state == .completed && status.billedSeconds == 5)
        #expect(
            status.resultURLs == ["https://api.aigate.shop/v1/videos/task_qZj21ARTSQzsyHoh82QBs7oPwnKvCOIu/content"])
        #expect(
            providerError { try AIGateResponses.generation(recorded(200, #"{"created":1,"videos":[]}"#)) }
                == .malformedResponse(reason: "AIGate video generation: no videos[].url"))
    }

    @Test func balanceFromTheDocs() throws {
        let snapshot = try AIGateResponses.balance(recorded(200, Self.balance(used: "1.8")))
        #expect(snapshot.available == [usd("12.5")])
        #expect(snapshot.spentToDate == usd("1.8"))
    }

    @Test func errorTable() {
        func error(_ status: Int, _ code: String, _ message: String) -> ProviderError? {
            providerError {
                try AIGateResponses.generation(
                    recorded(status, AIGateFixtures.error(status: status, code: code, message: message)))
            }
        }
        #expect(error(401, "http_401", "Invalid key") == .authentication(message: "Invalid key"))
        #expect(error(404, "not_found", "No such model") == .notFound(message: "No such model"))
        #expect(error(410, "http_410", "Video link expired") == .expired(message: "Video link expired"))
        #expect(paymentDetails(error(429, "insufficient_quota", "Add balance"))?.code == "insufficient_quota")
        #expect(error(429, "rate_limit_exceeded", "Slow down") == .rateLimited(retryAfterSeconds: nil))
        #expect(error(502, "api_error", "Try later") == .unavailable(status: 502, message: "Try later"))
        #expect(
            error(400, "content_policy_violation", "Rejected") == .contentPolicy(refunded: false, message: "Rejected"))
    }

    @Test func submitReadsTheBalanceAroundTheCall() async throws {
        let client = ScriptedHTTPClient([
            .success(recorded(200, Self.balance(used: "1.8"))),
            .success(recorded(200, Self.generation)),
            .success(recorded(200, Self.balance(used: "2.3"))),
        ])
        let adapter = AIGateAdapter(
            endpoint: Self.base, apiKey: Secret("sk"), client: client, logger: Logger(label: "t"))
        let submission = try await adapter.submit(ProviderJobSpec(model: "m", prompt: "p", durationSeconds: 5))
        #expect(
            client.requests.map(\.url) == [
                "https://api.aigate.shop/v1/balance", "https://api.aigate.shop/v1/video/generations",
                "https://api.aigate.shop/v1/balance",
            ])
        #expect(submission.balanceBefore?.spentToDate == usd("1.8"))
        #expect(submission.finalStatus?.balance?.spentToDate == usd("2.3"))
        #expect(submission.finalStatus?.state == .completed)
        await #expect(throws: ProviderError.self) {
            try await adapter.status(of: ProviderJobHandle(providerJobID: "t", model: "m"))
        }
    }

    @Test func aTimedOutGenerationIsATransportErrorNotAFailure() async {
        let client = ScriptedHTTPClient([.success(recorded(200, Self.balance(used: "1"))), .failure(.timedOut)])
        let adapter = AIGateAdapter(
            endpoint: Self.base, apiKey: Secret("sk"), client: client, logger: Logger(label: "t"))
        await #expect(throws: ProviderError.transport(.timedOut)) {
            try await adapter.submit(ProviderJobSpec(model: "m", prompt: "p", durationSeconds: 5))
        }
    }
}
