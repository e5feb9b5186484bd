import Foundation
import Hummingbird
import Jobs
import Postgres
import Pricing

/// `POST /v1/jobs` (submit or record; Idempotency-Key), `GET /v1/jobs/{id}` with its ledger
/// transfers, `POST /v1/jobs/{id}/cancel`.
struct JobRoutes: Sendable {
    let jobs: JobService
    let pool: PostgresPool

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
    }

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/jobs") { request, context in
            let key = try IdempotencyKey.require(request)
            let body = try await JSONBody.decode(SubmitBody.self, from: request, context: context)
            let spec = JobSpec(
                family: body.family, model: body.model, quality: body.quality, duration: body.duration?.input ?? .auto,
                resolution: body.resolution, aspectRatio: body.aspectRatio, audio: body.audio ?? false, variants: body.n ?? 1,
                mode: body.mode, prompt: body.prompt ?? "", imageURL: body.imageUrl)
            let outcome = try await jobs.submit(JobRequest(
                userID: body.userId, idempotencyKey: key, spec: spec, provider: body.provider ?? JobRequest.cheapest,
                providerJobID: body.providerJobId))
            return try JSONResponse.make(try await view(outcome.job.id), status: outcome.replayed ? .ok : .created)
        }
        router.get("/v1/jobs/:id") { _, context in
            let id = try Self.jobID(context)
            guard let record = try await jobs.job(id: id) else { throw APIError.notFound("job \(id.uuidString.lowercased()) not found") }
            return try JSONResponse.make(JobDetailView(job: try await view(id), record: record))
        }
        router.post("/v1/jobs/:id/cancel") { _, context in
            let job = try await jobs.cancel(id: try Self.jobID(context))
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

    static func jobID(_ context: APIRequestContext) throws -> UUID {
        let text = try context.parameters.require("id")
        guard let id = UUID(uuidString: text) else { throw APIError.badRequest("invalid_job_id", "job id must be a UUID") }
        return id
    }
}

/// `POST /v1/reconciliations` runs a reconciliation for a period; `GET /v1/reconciliations/{id}`
/// reads one back.
struct ReconciliationRoutes: Sendable {
    let reconciler: Reconciler
    /// The longest period one request may reconcile.
    static let periodDaysMax = 92

    struct RunBody: Decodable {
        var from: String?
        var to: String?
    }

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/reconciliations") { request, context in
            let body = try await JSONBody.decode(RunBody.self, from: request, context: context)
            let to = try body.to.map { try Self.date($0, field: "to") } ?? Date()
            let from = try body.from.map { try Self.date($0, field: "from") } ?? to.addingTimeInterval(-86_400)
            guard from < to else { throw APIError.unprocessable("invalid_period", "from must be before to") }
            guard to.timeIntervalSince(from) <= Double(Self.periodDaysMax) * 86_400 else {
                throw APIError.unprocessable("invalid_period", "a reconciliation covers at most \(Self.periodDaysMax) days")
            }
            let report = try await reconciler.run(from: from, to: to, trigger: "api")
            return try JSONResponse.make(ReconciliationView(report), status: .created)
        }
        router.get("/v1/reconciliations/:id") { _, context in
            let text = try context.parameters.require("id")
            guard let id = UUID(uuidString: text) else {
                throw APIError.badRequest("invalid_reconciliation_id", "reconciliation id must be a UUID")
            }
            guard let report = try await reconciler.report(id: id) else {
                throw APIError.notFound("reconciliation \(text) not found")
            }
            return try JSONResponse.make(ReconciliationView(report))
        }
    }

    /// `2026-11-21` (midnight UTC) or a full ISO-8601 timestamp.
    static func date(_ text: String, field: String) throws -> Date {
        if let day = CalendarDay(iso: text) { return Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400) }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        throw APIError.badRequest("invalid_\(field)", "\(field) must be YYYY-MM-DD or an ISO-8601 timestamp")
    }
}
