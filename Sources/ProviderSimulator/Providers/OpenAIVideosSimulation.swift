import Basics

/// The OpenAI-style gateway: `POST /v1/videos` (multipart or JSON), `GET /v1/videos/{id}`,
/// `GET /v1/videos/{id}/content`, Bearer auth. Timestamps in milliseconds as new-api sends them
/// (`timestamps=s` for OpenAI's seconds); `seconds` carries the billed duration once completed.
struct OpenAIVideosSimulation: ProviderSimulation {
    let state: SimulationState
    static let currency = "USD"

    func respond(to request: SimRequest) async -> SimResponse {
        guard let key = request.header("authorization"), key.hasPrefix("Bearer "), key.count > 7 else {
            return errorResponse(status: 401, code: "invalid_api_key", message: "Missing bearer token")
        }
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.count) {
        case ("POST", 2) where request.path == "/v1/videos": return create(request)
        case ("GET", 3) where parts[1] == "videos": return retrieve(id: parts[2])
        case ("GET", 4) where parts[1] == "videos" && parts[3] == "content": return content(id: parts[2])
        default: return notFound("route")
        }
    }

    private func create(_ request: SimRequest) -> SimResponse {
        let fields =
            MultipartFields.fields(request.body, contentType: request.header("content-type"))
            ?? JSONValue.requestFields(request.body)
        guard let fields, let model = fields["model"],
            let seconds = durationSeconds(fields["seconds"] ?? fields["duration"])
        else {
            return errorResponse(status: 400, code: "invalid_request", message: "model and seconds are required")
        }
        let scenario = state.scenario(forPrompt: fields["prompt"] ?? "")
        let id = "video_sim\(state.nextSerial())"
        return submitting(request, scenario: scenario) { () throws(SimulationState.SubmitRefusal) in
            try state.submit(
                id: id, model: model, requestedSeconds: seconds, scenario: scenario,
                currency: OpenAIVideosSimulation.currency,
                reference: fields["prompt"] ?? "")
        } accept: { job in
            .json(200, videoObject(job, size: fields["size"]))
        }
    }

    private func retrieve(id: String) -> SimResponse {
        guard let job = state.job(id) else { return notFound("video") }
        return .json(200, videoObject(job, size: nil))
    }

    private func content(id: String) -> SimResponse {
        guard let job = state.job(id),
            job.phase(atUnixMilliseconds: SimulationState.nowUnixMilliseconds()) == .finished(.completed)
        else {
            return notFound("video content")
        }
        return .bytes(200, contentType: "video/mp4", fakeMP4(bytes: job.scenario.videoBytes))
    }

    private func videoObject(_ job: SimJob, size: String?) -> JSONValue {
        let stamp = { (milliseconds: Int64) -> JSONValue in
            .int(job.scenario.timestampsInMilliseconds ? milliseconds : milliseconds / 1000)
        }
        var body: [String: JSONValue] = [
            "id": .string(job.id), "object": .string("video"), "model": .string(job.model),
            "created_at": stamp(job.createdAtUnixMilliseconds), "seconds": .string(String(job.requestedSeconds)),
            "error": .null, "size": size.map(JSONValue.string) ?? .null,
        ]
        switch job.phase(atUnixMilliseconds: SimulationState.nowUnixMilliseconds()) {
        case .queued:
            body["status"] = .string("queued")
            body["progress"] = .int(0)
        case .running(let progress, _):
            body["status"] = .string("in_progress")
            body["progress"] = .int(progress)
        case .finished(let outcome):
            body["progress"] = .int(100)
            body["completed_at"] = stamp(job.completesAtUnixMilliseconds)
            switch outcome {
            case .completed:
                body["status"] = .string("completed")
                body["seconds"] = .string(String(job.billedSeconds))
                body["expires_at"] = stamp(job.completesAtUnixMilliseconds + 3_600_000)
            case .failed, .contentPolicy:
                body["status"] = .string("failed")
                body["error"] = .object([
                    "code": .string(outcome == .contentPolicy ? "content_policy_violation" : "generation_failed"),
                    "message": .string("Simulated \(outcome.rawValue)"),
                ])
            case .cancelled, .expired:
                body["status"] = .string(outcome.rawValue)
            }
        }
        return .object(body)
    }

    func errorResponse(status: Int, code: String, message: String) -> SimResponse {
        .error(status, code: code, message: message, type: status >= 500 ? "server_error" : "invalid_request_error")
    }

    func paymentRequiredResponse(neededMicros: Int64, availableMicros: Int64, request: SimRequest) -> SimResponse {
        .error(
            402, code: "insufficient_quota", message: "Insufficient quota for this request", type: "insufficient_quota")
    }
}
