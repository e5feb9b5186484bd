import Foundation
import Ledger
import Money
import Postgres

/// Job rows written with SQL, as the jobs layer would write them, for the read routes to find.
struct JobFixture: Sendable {
    var id = UUID()
    var userID: String
    var provider = "venice"
    var model = "veo3-fast-text-to-video"
    var family: String? = "veo-3.1-fast"
    var status = "completed"
    var quotedMicros: Int64 = 800_000
    var actualMicros: Int64?
    var holdID: Int64?
    /// Seconds before now that the job was created.
    var createdSecondsAgo = 60
    /// Seconds the job took, for terminal jobs.
    var runSeconds = 30

    static let terminal: Set<String> = ["completed", "failed", "cancelled", "expired"]

    func insert(_ pool: PostgresPool) async throws {
        var fixture = self
        // A completed job always has its actual cost (a check in the jobs table).
        if fixture.status == "completed" && fixture.actualMicros == nil { fixture.actualMicros = fixture.quotedMicros }
        let settled = fixture
        try await pool.withSession { session in
            try session.execute(
                """
                INSERT INTO jobs (id, user_id, origin, provider, provider_model, family, duration_seconds, resolution, audio,
                                  variants, price_book_version, quoted_micros, actual_micros, quote_error_micros, billed_seconds,
                                  hold_id, status, result_urls, created_at, finished_at)
                VALUES ($1::uuid, $2, 'submit', $3, $4, $5, 8, '1080p', false, 1, 'test-book', $6, $7::bigint,
                        $7::bigint - $6, CASE WHEN $7::bigint IS NULL THEN NULL ELSE 8 END, $8::bigint, $9,
                        CASE WHEN $9 = 'completed' THEN '["https://cdn.example/v.mp4"]'::jsonb ELSE '[]'::jsonb END,
                        now() - make_interval(secs => $10::int),
                        CASE WHEN $11::bool THEN now() - make_interval(secs => $10::int - $12::int) END)
                """,
                [
                    settled.id, settled.userID, settled.provider, settled.model,
                    settled.family.map { $0 as any PostgresEncodable },
                    settled.quotedMicros, settled.actualMicros.map { $0 as any PostgresEncodable },
                    settled.holdID.map { $0 as any PostgresEncodable },
                    settled.status, settled.createdSecondsAgo, Self.terminal.contains(settled.status),
                    settled.runSeconds,
                ])
        }
    }
}

/// A settled job the way the service settles one: hold through the ledger, a job row naming the
/// hold, then capture of the actual cost (above the hold when `actual` exceeds it).
func settleJob(
    _ pool: PostgresPool, user: String, provider: String, family: String?, quoted: Int64, actual: Int64, key: String
) async throws -> Int64 {
    let ledger = Ledger(pool: pool)
    let jobID = UUID()
    let holdID = try await ledger.hold(
        key: "hold-\(key)", userID: user, amount: Money(micros: quoted, currency: .usd),
        provider: provider, jobID: jobID)
    try await JobFixture(
        id: jobID, userID: user, provider: provider, family: family, status: "running", quotedMicros: quoted,
        holdID: holdID
    ).insert(pool)
    _ = try await ledger.capture(key: "capture-\(key)", holdID: holdID, actualMicros: actual)
    return actual
}
