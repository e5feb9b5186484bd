import Basics
import Foundation

/// Venice under `/api/v1`: `/video/quote`, `/video/queue`, `/video/retrieve` (JSON while
/// processing, `video/mp4` bytes when done, JSON `COMPLETED` for `*-private` models that got a
/// `download_url`), `/billing/balance`, `/x402/balance/{wallet}`, and the documented 402 / 404 /
/// 422 / 500 / 503 bodies. Bearer keys and `SIGN-IN-WITH-X` wallets are both accepted; wallet
/// answers carry `X-Balance-Remaining`.
struct VeniceSimulation: ProviderSimulation {
    let state: SimulationState
    static let currency = "USD"

    enum Caller {
        case apiKey
        case wallet(address: String)
        case anonymous
    }

    func respond(to request: SimRequest) async -> SimResponse {
        let caller = self.caller(request)
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, request.path) {
        case ("POST", "/video/quote"): return quote(request)
        case ("GET", _) where parts.count == 2 && parts[0] == "download": return download(id: parts[1])
        default: break
        }
        if case .anonymous = caller { return discoveryPaymentRequired(request) }
        switch (request.method, request.path) {
        case ("POST", "/video/queue"): return queue(request, caller: caller)
        case ("POST", "/video/retrieve"): return retrieve(request)
        case ("GET", "/billing/balance"): return apiKeyBalance()
        case ("GET", _) where parts.count == 3 && parts[0] == "x402" && parts[1] == "balance":
            return walletBalance(parts[2])
        default: return notFound("route")
        }
    }

    private func caller(_ request: SimRequest) -> Caller {
        if let key = request.header("authorization"), key.hasPrefix("Bearer "), key.count > 7 { return .apiKey }
        guard let header = request.header("sign-in-with-x") ?? request.header("x-sign-in-with-x"),
            let data = Data(base64Encoded: header),
            let envelope = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let address = envelope["address"] as? String, envelope["message"] is String, envelope["signature"] is String
        else { return .anonymous }
        return .wallet(address: address)
    }

    private func quote(_ request: SimRequest) -> SimResponse {
        guard let fields = JSONValue.requestFields(request.body), fields["model"] != nil,
            let seconds = durationSeconds(fields["duration"])
        else {
            return errorResponse(status: 400, code: "INVALID_REQUEST", message: "model and duration are required")
        }
        let rate = state.scenario(forPrompt: "").ratePerSecondMicros
        return .json(200, .object(["quote": SimMoney.numberToken(Int64(seconds) * rate)]))
    }

    private func queue(_ request: SimRequest, caller: Caller) -> SimResponse {
        guard let fields = JSONValue.requestFields(request.body), let model = fields["model"],
            let seconds = durationSeconds(fields["duration"])
        else {
            return errorResponse(status: 400, code: "INVALID_REQUEST", message: "model and duration are required")
        }
        let scenario = state.scenario(forPrompt: fields["prompt"] ?? "")
        let wallet = if case .wallet = caller { true } else { false }
        let id = UUID().uuidString.lowercased()
        return submitting(request, scenario: scenario) { () throws(SimulationState.SubmitRefusal) in
            try state.submit(
                id: id, model: model, requestedSeconds: seconds, scenario: scenario,
                currency: VeniceSimulation.currency,
                walletAuthenticated: wallet, reference: fields["prompt"] ?? "")
        } accept: { job in
            var body: [String: JSONValue] = ["model": .string(model), "queue_id": .string(job.id)]
            if model.hasSuffix("-private") {
                body["download_url"] = .string("\(request.baseOrigin)/api/v1/download/\(job.id)")
            }
            return .json(200, .object(body), headers: balanceHeader(wallet))
        }
    }

    private func retrieve(_ request: SimRequest) -> SimResponse {
        guard let id = JSONValue.requestFields(request.body)?["queue_id"], let job = state.job(id) else {
            return .json(404, .object(["error": .string("Media not found"), "code": .string("MEDIA_NOT_FOUND")]))
        }
        var response: SimResponse
        switch job.phase(atUnixMilliseconds: SimulationState.nowUnixMilliseconds()) {
        case .queued:
            response = processing(job, elapsed: 0)
        case .running(_, let elapsed):
            response = processing(job, elapsed: elapsed)
        case .finished(.completed):
            response =
                job.model.hasSuffix("-private")
                ? .json(200, .object(["status": .string("COMPLETED")]))
                : .bytes(200, contentType: "video/mp4", fakeMP4(bytes: job.scenario.videoBytes))
        case .finished(.contentPolicy):
            response = contentPolicy(refunded: job.scenario.refund, flat: job.scenario.flatErrorBody)
        case .finished(.failed):
            response = errorResponse(
                status: 500, code: "INFERENCE_FAILED", message: "Video generation failed (simulated)")
        case .finished(.cancelled), .finished(.expired):
            response = .json(404, .object(["error": .string("Media not found"), "code": .string("MEDIA_NOT_FOUND")]))
        }
        response.headers += balanceHeader(job.walletAuthenticated)
        return response
    }

    private func processing(_ job: SimJob, elapsed: Int64) -> SimResponse {
        .json(
            200,
            .object([
                "status": .string("PROCESSING"), "average_execution_time": .int(job.scenario.completeAfterMilliseconds),
                "execution_duration": .int(elapsed),
            ]))
    }

    private func contentPolicy(refunded: Bool, flat: Bool) -> SimResponse {
        let message = refunded ? "Content policy violation. Credits have been refunded." : "Content policy violation."
        if flat {
            return .json(422, .object(["error": .string(message), "credits_refunded": .bool(refunded)]))
        }
        return .json(
            422,
            .object([
                "error": .object([
                    "message": .string(message), "type": .string("provider_content_policy"),
                    "recommended_model": .string("wan-2-7-text-to-video"), "credits_refunded": .bool(refunded),
                ])
            ]))
    }

    private func download(id: String) -> SimResponse {
        guard let job = state.job(id),
            job.phase(atUnixMilliseconds: SimulationState.nowUnixMilliseconds()) == .finished(.completed)
        else {
            return .json(404, .object(["error": .string("Media not found"), "code": .string("MEDIA_NOT_FOUND")]))
        }
        return .bytes(200, contentType: "video/mp4", fakeMP4(bytes: job.scenario.videoBytes))
    }

    private func balanceHeader(_ wallet: Bool) -> [(String, String)] {
        guard wallet else { return [] }
        return [
            ("X-Balance-Remaining", SimMoney.sixPlaces(state.balances().balancesMicros[VeniceSimulation.currency] ?? 0))
        ]
    }

    private func apiKeyBalance() -> SimResponse {
        let usd = state.balances().balancesMicros[VeniceSimulation.currency] ?? 0
        return .json(
            200,
            .object([
                "canConsume": .bool(usd > 0), "consumptionCurrency": .string("USD"),
                "balances": .object(["diem": .int(0), "usd": SimMoney.numberToken(usd)]),
                "diemEpochAllocation": .int(0),
            ]))
    }

    private func walletBalance(_ address: String) -> SimResponse {
        let usd = state.balances().balancesMicros[VeniceSimulation.currency] ?? 0
        return .json(
            200,
            .object([
                "success": .bool(true),
                "data": .object([
                    "walletAddress": .string(address), "balanceUsd": SimMoney.numberToken(usd),
                    "canConsume": .bool(usd > 0),
                    "minimumTopUpUsd": .int(5), "suggestedTopUpUsd": .int(10),
                ]),
            ]))
    }

    /// Venice's `StandardError`: `{error, code}`.
    func errorResponse(status: Int, code: String, message: String) -> SimResponse {
        .json(status, .object(["error": .string(message), "code": .string(code)]))
    }

    /// A wallet short of credit gets the detailed x402 body; an API key the plain
    /// `INSUFFICIENT_BALANCE` error.
    func paymentRequiredResponse(neededMicros: Int64, availableMicros: Int64, request: SimRequest) -> SimResponse {
        guard case .wallet = caller(request) else {
            return errorResponse(status: 402, code: "INSUFFICIENT_BALANCE", message: "Insufficient USD balance")
        }
        return .json(
            402,
            .object([
                "error": .string("Payment required"), "code": .string("PAYMENT_REQUIRED"),
                "reason": .string("insufficient_balance"),
                "message": .string("Insufficient x402 balance"),
                "currentBalanceUsd": SimMoney.numberToken(availableMicros),
                "minimumBalanceUsd": .number("0.1"), "suggestedTopUpUsd": .int(10), "minimumTopUpUsd": .int(5),
                "supportedTokens": .array([.string("USDC")]),
                "supportedChains": .array([.string("base"), .string("solana")]),
            ]))
    }

    /// Unauthenticated: x402 v2 discovery, in the body and as the base64 `PAYMENT-REQUIRED` header.
    private func discoveryPaymentRequired(_ request: SimRequest) -> SimResponse {
        let requirements: JSONValue = .object([
            "x402Version": .int(2), "error": .string("Payment required"),
            "resource": .object([
                "url": .string("\(request.baseOrigin)/api/v1\(request.path)"), "description": .string("Venice API"),
                "mimeType": .string("application/json"),
            ]),
            "accepts": .array([
                .object([
                    "scheme": .string("exact"), "network": .string("solana"), "asset": .string(AIMOSimulation.usdcMint),
                    "amount": .string("10000000"), "payTo": .string("SimVenicePayTo111111111111111111111111111111"),
                    "maxTimeoutSeconds": .int(300),
                ])
            ]),
        ])
        return .json(
            402, requirements, headers: [("PAYMENT-REQUIRED", Data(requirements.text.utf8).base64EncodedString())])
    }
}
