import Foundation
import Hummingbird
import Jobs
import Postgres
import Pricing

/// `POST /v1/jobs` (submit or record; Idempotency-Key), `GET /v1/jobs/{id}` with its ledger
/// transfers, `POST /v1/jobs/{id}/cancel`, `POST /v1/jobs/{id}/resolve` (an operator's decision
/// on a held job, recorded with the token's name and the reason).
struct JobRoutes: Sendable {
    let jobs: JobService
    let pool: PostgresPool
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
                throw APIError.badRequest("invalid_provider_job_id", "provider_job_id must be 1-200 of A-Z a-z 0-9 . _ : -, other than . and ..")
            }
            try InputRules.checkSpec(
                family: body.family, model: body.model, provider: body.provider, quality: body.quality, duration: body.duration?.text,
                resolution: body.resolution, aspectRatio: body.aspectRatio, mode: body.mode, pricedOn: nil,
                providers: [JobRequest.cheapest] + InputRules.providers)
            if let prompt = body.prompt, prompt.unicodeScalars.count > Self.promptScalarsMax {
                throw APIError.badRequest("invalid_prompt", "prompt must be at most \(Self.promptScalarsMax) characters")
            }
            if let imageURL = body.imageUrl, imageURL.unicodeScalars.count > Self.imageURLScalarsMax {
                throw APIError.badRequest("invalid_image_url", "image_url must be at most \(Self.imageURLScalarsMax) characters")
            }
            let spec = JobSpec(
                family: body.family, model: body.model, quality: body.quality, duration: body.duration?.input ?? .auto,
                resolution: body.resolution, aspectRatio: body.aspectRatio, audio: body.audio ?? false, variants: body.n ?? 1,
                mode: body.mode, prompt: body.prompt ?? "", imageURL: body.imageUrl)
            var jobRequest = JobRequest(
                userID: userID, idempotencyKey: key, spec: spec, provider: body.provider ?? JobRequest.cheapest,
                providerJobID: body.providerJobId, actor: context.principal?.tokenName)
            let ranking = try RankingInput.make(
                rank: body.rank, maxP95Seconds: body.maxP95Seconds.map(String.init), minSuccessRate: body.minSuccessRate)
            jobRequest.rank = ranking.rank
            jobRequest.constraints = ranking.constraints
            // A provider's refusal is kept too: the job exists (failed, hold released), and a
            // replay must answer the same 502, not submit again.
            return try await idempotent.run(
                .jobs, scope: userID, key: key, canonicalRequest: jobRequest.canonicalText, actor: jobRequest.actor,
                keepsError: { $0.status == .badGateway }
            ) {
                let outcome = try await jobs.submit(jobRequest)
                return (.created, try JSONResponse.body(try await view(outcome.job.id)))
            }
        }
        router.get("/v1/jobs/:id") { _, context in
            let id = try Self.jobID(context)
            guard let record = try await jobs.job(id: id) else { throw APIError.notFound("job \(id.uuidString.lowercased()) not found") }
            return try JSONResponse.make(JobDetailView(job: try await view(id), record: record))
        }
        router.post("/v1/jobs/:id/resolve") { request, context in
            let id = try Self.jobID(context)
            let body = try await JSONBody.decode(ResolveBody.self, from: request, context: context)
            let outcome: ManualOutcome
            switch (body.outcome, body.cost) {
            case ("completed", let cost?): outcome = .completed(costMicros: try InputRules.amount(cost, field: "cost", positive: false))
            case ("failed", nil): outcome = .failed
            case ("completed", nil), ("failed", _):
                throw APIError.badRequest("invalid_cost", "cost is required with outcome completed, and only with it")
            default:
                throw APIError.badRequest("invalid_outcome", "outcome must be completed or failed")
            }
            let by = "api:" + (context.principal?.tokenName ?? "unknown")
            let job = try await jobs.resolve(id: id, outcome: outcome, by: by, reason: body.reason)
            return try JSONResponse.make(JobDetailView(job: try await view(job.id), record: job))
        }
        router.post("/v1/jobs/:id/cancel") { _, context in
            let job = try await jobs.cancel(id: try Self.jobID(context), actor: context.principal?.tokenName)
            return try JSONResponse.make(try await view(job.id))
        }
    }

    /// The job as the list shows it, read back from its row.
    private func view(_ id: UUID) async throws -> JobView {
        let rows = try await pool.withSession { session in
            try session.query("SELECT \(JobView.columns) FROM jobs WHERE id = $1", [id])
        }
        guard let row = rows.first else { throw APIError.notFound("job \(id.uuidString.lowercased()) not found") }
        return try JobView(row: row)
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

/// `POST /v1/reconciliations` runs a reconciliation for a period (Idempotency-Key: a retry
/// answers the first run, it does not run again); `GET /v1/reconciliations/{id}` reads one back.
struct ReconciliationRoutes: Sendable {
    let reconciler: Reconciler
    let idempotent: IdempotentRequests
    /// The longest period one request may reconcile.
    static let periodDaysMax: Int64 = 92

    struct RunBody: Decodable {
        var from: String?
        var to: String?
    }

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/reconciliations") { request, context in
            let key = try IdempotencyKey.require(request)
            let body = try await JSONBody.decode(RunBody.self, from: request, context: context)
            let now = PostgresTimestamp(Date())
            let to = try body.to.map { try Self.instant($0, field: "to") } ?? now
            let from = try body.from.map { try Self.instant($0, field: "from") }
                ?? PostgresTimestamp(microsecondsSinceEpoch: to.microsecondsSinceEpoch - 86_400_000_000)
            guard from < to else { throw APIError.unprocessable("invalid_period", "from must be before to") }
            guard to.microsecondsSinceEpoch - from.microsecondsSinceEpoch <= Self.periodDaysMax * 86_400_000_000 else {
                throw APIError.unprocessable("invalid_period", "a reconciliation covers at most \(Self.periodDaysMax) days")
            }
            let actor = context.principal?.tokenName
            return try await idempotent.run(
                .reconciliations, scope: "", key: key, canonicalRequest: "v1|\(body.from ?? "-")|\(body.to ?? "-")", actor: actor
            ) {
                let report = try await reconciler.run(from: from.date, to: to.date, trigger: "api", actor: actor)
                return (.created, try JSONResponse.body(ReconciliationView(report)))
            }
        }
        router.get("/v1/reconciliations/:id") { _, context in
            let id = try JobRoutes.uuid(try InputRules.pathParameter("id", context), what: "reconciliation")
            guard let report = try await reconciler.report(id: id) else {
                throw APIError.notFound("reconciliation \(id.uuidString.lowercased()) not found")
            }
            return try JSONResponse.make(ReconciliationView(report))
        }
    }

    /// `2026-11-21` (midnight UTC) or an ISO 8601 time with a zone; years 1970-9999, so every
    /// instant accepted is one PostgreSQL stores and `Date` holds exactly enough.
    static func instant(_ text: String, field: String) throws -> PostgresTimestamp {
        try InputRules.instant(text, field: field)
    }
}
