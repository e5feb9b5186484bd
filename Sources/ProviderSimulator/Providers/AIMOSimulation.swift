import Basics
import Foundation

/// AIMO: `POST /api/v1/video/queue`, `POST /api/v1/video/retrieve`, `GET /api/v1/session/balance`,
/// all behind `SIGN-IN-WITH-X`. The queue and balance shapes are AIMO's documented ones; the
/// retrieve shape is not documented anywhere, so this one (`{id, status, progress, variants}`) is
/// the simulator's own, matching what VideoLedger's adapter reads.
struct AIMOSimulation: ProviderSimulation {
    let state: SimulationState
    static let currency = "USDC"
    static let usdcMint = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"

    func respond(to request: SimRequest) async -> SimResponse {
        guard let address = signedInAddress(request) else {
            return errorResponse(status: 401, code: "unauthorized", message: "Missing or invalid SIGN-IN-WITH-X header")
        }
        switch (request.method, request.path) {
        case ("POST", "/api/v1/video/queue"): return queue(request)
        case ("POST", "/api/v1/video/retrieve"): return retrieve(request)
        case ("GET", "/api/v1/session/balance"): return balance(address: address)
        default: return notFound("route")
        }
    }

    /// The address in a structurally valid header whose message names this host. The signature
    /// itself is not checked: the simulator has no wallet registry.
    private func signedInAddress(_ request: SimRequest) -> String? {
        guard let header = request.header("sign-in-with-x"), let data = Data(base64Encoded: header),
            let envelope = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let message = envelope["message"] as? String, let signature = envelope["signature"] as? String,
            !signature.isEmpty
        else { return nil }
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 2, lines[0].hasPrefix("\(request.authority) wants you to sign in with your ") else {
            return nil
        }
        return String(lines[1])
    }

    private func queue(_ request: SimRequest) -> SimResponse {
        guard let fields = JSONValue.requestFields(request.body), let model = fields["model"],
            let seconds = durationSeconds(fields["duration"])
        else {
            return errorResponse(
                status: 400, code: "invalid_request", message: "model and duration (e.g. \"5s\") are required")
        }
        let scenario = state.scenario(forPrompt: fields["prompt"] ?? "")
        let variants = Int(fields["n"] ?? "1") ?? 1
        let taskID =
            "SimProvider1111111111111111111111111111111:"
            + Data("task-\(state.nextSerial())".utf8).base64EncodedString()
        return submitting(request, scenario: scenario) { () throws(SimulationState.SubmitRefusal) in
            try state.submit(
                id: taskID, model: model, requestedSeconds: seconds, scenario: scenario,
                currency: AIMOSimulation.currency,
                reference: fields["prompt"] ?? "")
        } accept: { job in
            .json(
                200,
                .object([
                    "id": .string(job.id), "created": .int(job.createdAtUnixMilliseconds / 1000),
                    "status": .string("queued"),
                    "variants_expected": .int(variants),
                ]))
        }
    }

    private func retrieve(_ request: SimRequest) -> SimResponse {
        guard let id = JSONValue.requestFields(request.body)?["id"], let job = state.job(id) else {
            return notFound("task")
        }
        var body: [String: JSONValue] = ["id": .string(job.id)]
        switch job.phase(atUnixMilliseconds: SimulationState.nowUnixMilliseconds()) {
        case .queued:
            body["status"] = .string("queued")
            body["progress"] = .int(0)
        case .running(let progress, _):
            body["status"] = .string("processing")
            body["progress"] = .int(progress)
        case .finished(.completed):
            body["status"] = .string("completed")
            body["progress"] = .int(100)
            body["variants"] = .array([
                .object(["url": .string("\(request.baseOrigin)/media/\(job.createdAtUnixMilliseconds).mp4")])
            ])
        case .finished(let outcome):
            body["status"] = .string(outcome == .contentPolicy ? "failed" : outcome.rawValue)
            body["error"] = .object([
                "code": .string(outcome == .contentPolicy ? "content_policy" : "generation_failed"),
                "message": .string("Simulated \(outcome.rawValue)"),
            ])
        }
        return .json(200, .object(body))
    }

    private func balance(address: String) -> SimResponse {
        let micros = state.balances().balancesMicros[AIMOSimulation.currency] ?? 0
        return .json(
            200,
            .object([
                "caip_account_id": .string("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:\(address)"),
                "balance_micro_usdc": .int(micros),
                "balance_usd": .string(SimMoney.sixPlaces(micros)),
            ]))
    }

    func errorResponse(status: Int, code: String, message: String) -> SimResponse {
        .error(status, code: code, message: message)
    }

    /// x402 v1, as AIMO's docs show it: requirements in the body, amount as `maxAmountRequired`.
    func paymentRequiredResponse(neededMicros: Int64, availableMicros: Int64, request: SimRequest) -> SimResponse {
        .json(
            402,
            .object([
                "error": .string("X-PAYMENT header is required"),
                "x402Version": .int(1),
                "accepts": .array([
                    .object([
                        "network": .string("solana"), "maxAmountRequired": .string(String(max(neededMicros, 1))),
                        "payTo": .string("SimPayTo11111111111111111111111111111111111"), "maxTimeoutSeconds": .int(300),
                        "asset": .string(AIMOSimulation.usdcMint), "scheme": .string("exact"),
                    ])
                ]),
            ]))
    }
}
