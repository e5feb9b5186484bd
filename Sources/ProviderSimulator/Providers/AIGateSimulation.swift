import Basics

/// AIGate: `POST /v1/video/generations` answers only when the video is done (the request is held
/// for `complete_after_ms`), with `videos[]`; `GET /v1/videos/{task}/content` serves the file
/// and answers 410 once `linkExpiryMilliseconds` has passed; `GET /v1/balance`; and the
/// documented error table (401 `http_401`, 404 `not_found`, 410 `http_410`, 429
/// `insufficient_quota`, 5xx `api_error`).
struct AIGateSimulation: ProviderSimulation {
    let state: SimulationState
    static let currency = "USD"
    /// AIGate media links expire after 20 minutes.
    static let linkExpiryMilliseconds: Int64 = 20 * 60 * 1000
    /// 500,000 quota units per USD (the one-api convention AIGate's numbers follow).
    static let quotaPerUSD: Int64 = 500_000

    func respond(to request: SimRequest) async -> SimResponse {
        guard let key = request.header("authorization"), key.hasPrefix("Bearer "), key.count > 7 else {
            return errorResponse(status: 401, code: "http_401", message: "Invalid API key")
        }
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, request.path) {
        case ("POST", "/v1/video/generations"), ("POST", "/v1/videos"): return generate(request)
        case ("GET", "/v1/balance"): return balance()
        case ("GET", _) where parts.count == 4 && parts[1] == "videos" && parts[3] == "content":
            return content(task: parts[2])
        default: return errorResponse(status: 404, code: "not_found", message: "Not found")
        }
    }

    private func generate(_ request: SimRequest) -> SimResponse {
        guard let fields = JSONValue.requestFields(request.body), let model = fields["model"],
            let seconds = durationSeconds(fields["duration"] ?? "5")
        else {
            return errorResponse(status: 400, code: "invalid_request", message: "model is required")
        }
        let scenario = state.scenario(forPrompt: fields["prompt"] ?? "")
        let task = "task_sim\(state.nextSerial())"
        return submitting(request, scenario: scenario) { () throws(SimulationState.SubmitRefusal) in
            try state.submit(
                id: task, model: model, requestedSeconds: seconds, scenario: scenario,
                currency: AIGateSimulation.currency,
                reference: fields["user"] ?? fields["prompt"] ?? "")
        } accept: { job in
            var response = rendered(job, request: request)
            response.delayMilliseconds = Int(scenario.completeAfterMilliseconds)
            return response
        }
    }

    /// The answer once rendering is over; the caller holds it until then.
    private func rendered(_ job: SimJob, request: SimRequest) -> SimResponse {
        switch job.scenario.outcome {
        case .completed:
            return .json(
                200,
                .object([
                    "created": .int(job.createdAtUnixMilliseconds / 1000), "model": .string(job.model),
                    "duration": .int(job.billedSeconds),
                    "videos": .array([
                        .object([
                            "url": .string("\(request.baseOrigin)/v1/videos/\(job.id)/content"),
                            "mime_type": .string("video/mp4"),
                        ])
                    ]),
                ]))
        case .contentPolicy:
            return errorResponse(
                status: 400, code: "content_policy_violation", message: "The request was rejected by the content filter"
            )
        case .failed, .cancelled, .expired:
            return errorResponse(status: 500, code: "api_error", message: "The provider could not process the video")
        }
    }

    private func content(task: String) -> SimResponse {
        guard let job = state.job(task),
            job.phase(atUnixMilliseconds: SimulationState.nowUnixMilliseconds()) == .finished(.completed)
        else {
            return errorResponse(status: 404, code: "not_found", message: "Task not found")
        }
        guard
            SimulationState.nowUnixMilliseconds() < job.completesAtUnixMilliseconds
                + AIGateSimulation.linkExpiryMilliseconds
        else {
            return errorResponse(status: 410, code: "http_410", message: "Video link expired")
        }
        return .bytes(200, contentType: "video/mp4", fakeMP4(bytes: job.scenario.videoBytes))
    }

    /// The balance in USD numbers and quota units; the key's `token.used` counts every charge.
    private func balance() -> SimResponse {
        let (balances, spent) = state.balances()
        let left = balances[AIGateSimulation.currency] ?? 0
        let quota = { (micros: Int64) -> JSONValue in .int(micros * AIGateSimulation.quotaPerUSD / 1_000_000) }
        return .json(
            200,
            .object([
                "object": .string("balance"), "currency": .string("USD"), "balance": SimMoney.numberToken(left),
                "used": SimMoney.numberToken(spent), "total": SimMoney.numberToken(left + spent),
                "balance_quota": quota(left), "used_quota": quota(spent), "total_quota": quota(left + spent),
                "token": .object([
                    "id": .int(1), "name": .string("simulated"), "remaining": SimMoney.numberToken(left),
                    "used": SimMoney.numberToken(spent),
                    "total": SimMoney.numberToken(left + spent), "remaining_quota": quota(left),
                    "used_quota": quota(spent),
                    "total_quota": quota(left + spent), "unlimited_quota": .bool(false),
                    "model_limits_enabled": .bool(false),
                    "model_limits": .object([:]), "expires_at": .int(0),
                ]),
            ]))
    }

    /// `{"error":{"message","type","code","status"}}`.
    func errorResponse(status: Int, code: String, message: String) -> SimResponse {
        let type = status == 401 || status == 404 || status == 410 ? "invalid_request_error" : "api_error"
        return .json(
            status,
            .object([
                "error": .object([
                    "message": .string(message), "type": .string(type), "code": .string(code), "status": .int(status),
                ])
            ]))
    }

    /// AIGate signals a short balance with 429 `insufficient_quota`, not 402.
    func paymentRequiredResponse(neededMicros: Int64, availableMicros: Int64, request: SimRequest) -> SimResponse {
        errorResponse(status: 429, code: "insufficient_quota", message: "Not enough balance or quota for the request")
    }
}
