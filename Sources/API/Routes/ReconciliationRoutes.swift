import Foundation
import Hummingbird
import Postgres
import Reconciliation

/// `POST /v1/reconciliations` runs a reconciliation for a period (Idempotency-Key: a retry
/// answers the first run, it does not run again); `GET /v1/reconciliations/{id}` reads one back.
struct ReconciliationRoutes: Sendable {
    let reconciler: Reconciler
    let idempotent: IdempotentRequests
    let reads: DashboardReads
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
            let from =
                try body.from.map { try Self.instant($0, field: "from") }
                ?? PostgresTimestamp(microsecondsSinceEpoch: to.microsecondsSinceEpoch - 86_400_000_000)
            guard from < to else { throw APIError.unprocessable("invalid_period", "from must be before to") }
            guard to.microsecondsSinceEpoch - from.microsecondsSinceEpoch <= Self.periodDaysMax * 86_400_000_000 else {
                throw APIError.unprocessable(
                    "invalid_period", "a reconciliation covers at most \(Self.periodDaysMax) days")
            }
            let actor = context.principal?.tokenName
            return try await idempotent.run(
                .reconciliations, scope: "", key: key, canonicalRequest: "v1|\(body.from ?? "-")|\(body.to ?? "-")",
                actor: actor
            ) {
                let report = try await reconciler.run(from: from.date, to: to.date, trigger: "api", actor: actor)
                return (.created, try JSONResponse.body(ReconciliationView(report)))
            }
        }
        router.get("/v1/reconciliations/:id") { _, context in
            let id = try JobRoutes.uuid(try InputRules.pathParameter("id", context), what: "reconciliation")
            let (report, source) = try await reads.run { pool in
                guard let report = try await ReconciliationStore(pool: pool).report(id: id) else {
                    throw APIError.notFound("reconciliation \(id.uuidString.lowercased()) not found")
                }
                return report
            }
            return DashboardReads.labelled(try JSONResponse.make(ReconciliationView(report)), source)
        }
    }

    /// `2026-11-21` (midnight UTC) or an ISO 8601 time with a zone; years 1970-9999, so every
    /// instant accepted is one PostgreSQL stores and `Date` holds exactly enough.
    static func instant(_ text: String, field: String) throws -> PostgresTimestamp {
        try InputRules.instant(text, field: field)
    }
}
