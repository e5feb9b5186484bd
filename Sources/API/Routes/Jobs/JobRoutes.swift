import Foundation
import Hummingbird
import Jobs

/// `POST /v1/jobs` (submit or record; Idempotency-Key), `GET /v1/jobs/{id}` with its ledger
/// transfers, `POST /v1/jobs/{id}/cancel`, `POST /v1/jobs/{id}/resolve` (an operator's decision
/// on a held job, recorded with the token's name and the reason).
struct JobRoutes: Sendable {
    let jobs: JobService
    let store: JobStore
    let idempotent: IdempotentRequests

    /// The document's limits (counted in Unicode scalars, as JSON Schema counts).
    static let promptScalarsMax = 20_000
    static let imageURLScalarsMax = 8_192

    /// The job request body: the quote spec plus who pays, where it runs and the prompt.
    struct SubmitBody: Decodable {
        var userId: String
        var provider: String?
        var providerJobId: String?
        var family: String?
        var model: String?
        var quality: String?
        var duration: FlexibleDuration?
        var resolution: String?
        var aspectRatio: String?
        var audio: Bool?
        var n: Int?
        var mode: String?
        var prompt: String?
        var imageUrl: String?
        var rank: String?
        var maxP95Seconds: Int?
        var minSuccessRate: FlexibleRate?
    }

    /// `POST /v1/jobs/{id}/resolve`: `completed` with the `cost` to capture, or `failed`.
    struct ResolveBody: Decodable {
        var outcome: String
        var cost: String?
        var reason: String
    }

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/jobs") { request, context in
            let key = try IdempotencyKey.require(request)
            let body = try await JSONBody.decode(SubmitBody.self, from: request, context: context)
            let userID = try InputRules.userID(body.userId)
            if let providerJobID = body.providerJobId, !JobService.isProviderJobID(providerJobID) {
                throw APIError.badRequest(
                    "invalid_provider_job_id",
                    "provider_job_id must be 1-200 of A-Z a-z 0-9 . _ : -, other than . and ..")
            }
            try InputRules.checkSpec(
                family: body.family, model: body.model, provider: body.provider, quality: body.quality,
                duration: body.duration?.text,
                resolution: body.resolution, aspectRatio: body.aspectRatio, mode: body.mode, pricedOn: nil,
                providers: [JobRequest.cheapest] + InputRules.providers)
            if let prompt = body.prompt, prompt.unicodeScalars.count > Self.promptScalarsMax {
                throw APIError.badRequest(
                    "invalid_prompt", "prompt must be at most \(Self.promptScalarsMax) characters")
            }
            if let imageURL = body.imageUrl, imageURL.unicodeScalars.count > Self.imageURLScalarsMax {
                throw APIError.badRequest(
                    "invalid_image_url", "image_url must be at most \(Self.imageURLScalarsMax) characters")
            }
            let spec = JobSpec(
                family: body.family, model: body.model, quality: body.quality, duration: body.duration?.input ?? .auto,
                resolution: body.resolution, aspectRatio: body.aspectRatio, audio: body.audio ?? false,
                variants: body.n ?? 1,
                mode: body.mode, prompt: body.prompt ?? "", imageURL: body.imageUrl)
            var jobRequest = JobRequest(
                userID: userID, idempotencyKey: key, spec: spec, provider: body.provider ?? JobRequest.cheapest,
                providerJobID: body.providerJobId, actor: context.principal?.tokenName)
            let ranking = try RankingInput.make(
                rank: body.rank, maxP95Seconds: body.maxP95Seconds.map(String.init), minSuccessRate: body.minSuccessRate
            )
            jobRequest.rank = ranking.rank
            jobRequest.constraints = ranking.constraints
            // A provider's refusal is kept too: the job exists (failed, hold released), and a
            // replay must answer the same 502, not submit again.
            return try await idempotent.run(
                .jobs, scope: userID, key: key, canonicalRequest: jobRequest.canonicalText, actor: jobRequest.actor,
                keepsError: { $0.status == .badGateway }
            ) {
                let outcome = try await jobs.submit(jobRequest)
                return (.created, try JSONResponse.body(JobView(try await read(outcome.job.id, withTransfers: false))))
            }
        }
        router.get("/v1/jobs/:id") { _, context in
            return try JSONResponse.make(JobDetailView(try await read(try Self.jobID(context))))
        }
        router.post("/v1/jobs/:id/resolve") { request, context in
            let id = try Self.jobID(context)
            let body = try await JSONBody.decode(ResolveBody.self, from: request, context: context)
            let outcome: ManualOutcome
            switch (body.outcome, body.cost) {
            case ("completed", let cost?):
                outcome = .completed(costMicros: try InputRules.amount(cost, field: "cost", positive: false))
            case ("failed", nil): outcome = .failed
            case ("completed", nil), ("failed", _):
                throw APIError.badRequest("invalid_cost", "cost is required with outcome completed, and only with it")
            default:
                throw APIError.badRequest("invalid_outcome", "outcome must be completed or failed")
            }
            let by = "api:" + (context.principal?.tokenName ?? "unknown")
            let job = try await jobs.resolve(id: id, outcome: outcome, by: by, reason: body.reason)
            return try JSONResponse.make(JobDetailView(try await read(job.id)))
        }
        router.post("/v1/jobs/:id/cancel") { _, context in
            let job = try await jobs.cancel(id: try Self.jobID(context), actor: context.principal?.tokenName)
            return try JSONResponse.make(JobView(try await read(job.id, withTransfers: false)))
        }
    }

    /// The job as stored now, read once (after a write, so the answer is what the row says).
    private func read(_ id: UUID, withTransfers: Bool = true) async throws -> JobRecord {
        guard let job = try await store.job(id: id, withTransfers: withTransfers) else {
            throw APIError.notFound("job \(id.uuidString.lowercased()) not found")
        }
        return job
    }

    /// A job id: a UUID in its canonical 8-4-4-4-12 hex form, either case.
    static func jobID(_ context: APIRequestContext) throws -> UUID {
        try uuid(try InputRules.pathParameter("id", context), what: "job")
    }

    static func uuid(_ text: String, what: String) throws -> UUID {
        guard text.utf8.count == 36, let id = UUID(uuidString: text) else {
            throw APIError.badRequest("invalid_\(what)_id", "\(what) id must be a UUID")
        }
        return id
    }
}
