import Basics
import Foundation

/// NanoGPT: `POST /api/generate-video` (202 with precharge `cost`, `paymentSource`,
/// `remainingBalance`), `GET /api/video/status` in the nested (default) or flat shape,
/// `GET /api/generate-video/content`, `POST /api/check-balance` (string amounts). The key is
/// accepted as `x-api-key` or Bearer.
struct NanoGPTSimulation: ProviderSimulation {
    let state: SimulationState

    func respond(to request: SimRequest) async -> SimResponse {
        let bearer = request.header("authorization").map { $0.hasPrefix("Bearer ") && $0.count > 7 } ?? false
        guard bearer || !(request.header("x-api-key") ?? "").isEmpty else {
            return errorResponse(status: 401, code: "missing_api_key", message: "An API key is required")
        }
        switch (request.method, request.path) {
        case ("POST", "/api/generate-video"): return generate(request)
        case ("GET", "/api/video/status"): return status(request)
        case ("GET", "/api/generate-video/content"): return content(request)
        case ("POST", "/api/check-balance"): return balance()
        default: return notFound("route")
        }
    }

    private func generate(_ request: SimRequest) -> SimResponse {
        guard let fields = JSONValue.requestFields(request.body), let model = fields["model"],
            let seconds = durationSeconds(fields["duration"])
        else {
            return errorResponse(status: 400, code: "INVALID_REQUEST", message: "model and duration are required")
        }
        let scenario = state.scenario(forPrompt: fields["prompt"] ?? "")
        let id = "vid_sim\(state.nextSerial())"
        return submitting(request, scenario: scenario) { () throws(SimulationState.SubmitRefusal) in
            try state.submit(
                id: id, model: model, requestedSeconds: seconds, scenario: scenario, currency: scenario.paymentSource,
                reference: fields["prompt"] ?? "")
        } accept: { job in
            let remaining = state.balances().balancesMicros[job.currency] ?? 0
            return .json(
                202,
                .object([
                    "runId": .string(job.id), "id": .string(job.id), "status": .string("pending"),
                    "model": .string(model),
                    "cost": SimMoney.numberToken(job.prechargeMicros), "paymentSource": .string(job.currency),
                    "remainingBalance": SimMoney.numberToken(remaining),
                    "prechargeLabel": .string("video precharge (simulated)"),
                ]))
        }
    }

    private func status(_ request: SimRequest) -> SimResponse {
        guard let id = request.query["requestId"] ?? request.query["runId"], let job = state.job(id) else {
            return errorResponse(status: 404, code: "NOT_FOUND", message: "Video job not found")
        }
        let phase = job.phase(atUnixMilliseconds: SimulationState.nowUnixMilliseconds())
        let remainingSeconds = max(0, (job.completesAtUnixMilliseconds - SimulationState.nowUnixMilliseconds()) / 1000)
        let path = "/api/generate-video/content?model=\(job.model)&runId=\(job.id)&variant=video"
        let url = job.scenario.relativeURLs ? path : request.baseOrigin + path
        return job.scenario.nanoGPTFlatShape
            ? .json(200, flatStatus(job, phase: phase, url: url, remainingSeconds: remainingSeconds))
            : .json(200, nestedStatus(job, phase: phase, url: url, remainingSeconds: remainingSeconds))
    }

    private func nestedStatus(_ job: SimJob, phase: SimJob.Phase, url: String, remainingSeconds: Int64) -> JSONValue {
        var data: [String: JSONValue] = ["requestId": .string(job.id)]
        switch phase {
        case .queued:
            data["status"] = .string("IN_QUEUE")
        case .running(let progress, _):
            data["status"] = .string("IN_PROGRESS")
            data["progress"] = .int(progress)
            data["estimatedTimeRemaining"] = .int(remainingSeconds)
            data["details"] = .string("Video is being generated")
        case .finished(.completed):
            data["status"] = .string("COMPLETED")
            data["output"] = .object(["video": .object(["url": .string(url)])])
            data["cost"] = SimMoney.numberToken(job.finalCostMicros)
        case .finished(.cancelled):
            data["status"] = .string("CANCELED")
        case .finished(let outcome):
            data["status"] = .string("FAILED")
            data["error"] = .string("Simulated \(outcome.rawValue)")
            data["isNSFWError"] = .bool(outcome == .contentPolicy)
            data["userFriendlyError"] = .string(
                outcome == .contentPolicy ? "The prompt was flagged by the content filter" : "Generation failed")
        }
        return .object(["requestId": .string(job.id), "model": .string(job.model), "data": .object(data)])
    }

    private func flatStatus(_ job: SimJob, phase: SimJob.Phase, url: String, remainingSeconds: Int64) -> JSONValue {
        var body: [String: JSONValue] = [
            "requestId": .string(job.id), "progress": .null, "estimatedTimeRemaining": .null, "videoUrl": .null,
            "error": .null,
            "createdAt": .string(ISO8601Instant.milliseconds(job.createdAtUnixMilliseconds)), "completedAt": .null,
        ]
        switch phase {
        case .queued:
            body["status"] = .string("queued")
        case .running(let progress, _):
            body["status"] = .string("processing")
            body["progress"] = .int(progress)
            body["estimatedTimeRemaining"] = .int(remainingSeconds)
        case .finished(let outcome):
            body["completedAt"] = .string(ISO8601Instant.milliseconds(job.completesAtUnixMilliseconds))
            switch outcome {
            case .completed:
                body["status"] = .string("completed")
                body["videoUrl"] = .string(url)
            case .cancelled:
                body["status"] = .string("cancelled")
            case .failed, .contentPolicy, .expired:
                body["status"] = .string("failed")
                body["error"] = .string("Simulated \(outcome.rawValue)")
            }
        }
        return .object(body)
    }

    private func content(_ request: SimRequest) -> SimResponse {
        guard let id = request.query["runId"], let job = state.job(id),
            job.phase(atUnixMilliseconds: SimulationState.nowUnixMilliseconds()) == .finished(.completed)
        else { return errorResponse(status: 404, code: "NOT_FOUND", message: "Video not found") }
        return .bytes(200, contentType: "video/mp4", fakeMP4(bytes: job.scenario.videoBytes))
    }

    private func balance() -> SimResponse {
        let balances = state.balances().balancesMicros
        return .json(
            200,
            .object([
                "usd_balance": .string(SimMoney.eightPlaces(balances["USD"] ?? 0)),
                "nano_balance": .string(SimMoney.eightPlaces(balances["XNO"] ?? 0)),
                "nanoDepositAddress": .string("nano_1simulated"),
            ]))
    }

    /// `{"error":{"message","type"}}` with NanoGPT's upper-case types.
    func errorResponse(status: Int, code: String, message: String) -> SimResponse {
        .json(status, .object(["error": .object(["message": .string(message), "type": .string(code.uppercased())])]))
    }

    func paymentRequiredResponse(neededMicros: Int64, availableMicros: Int64, request: SimRequest) -> SimResponse {
        .json(
            402,
            .object([
                "error": .object(["message": .string("Insufficient balance"), "type": .string("INSUFFICIENT_BALANCE")]),
                "refundMessage": .string("Nothing was charged"),
            ]))
    }
}
