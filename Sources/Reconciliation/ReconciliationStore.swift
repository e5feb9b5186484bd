import Foundation
import Jobs
import Postgres
import ProviderRegistry

/// The read side of `reconciliations` and `reconciliation_findings`: runs read back, and what
/// the newest finished run concluded about each provider's balance.
public struct ReconciliationStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// A stored run with its findings; nil for an unknown id.
    public func report(id: UUID) async throws -> ReconciliationReport? {
        try await pool.withSession { session in
            guard
                let run = try session.query(
                    "SELECT period_from, period_to, started_at, finished_at, trigger, created_by FROM reconciliations WHERE id = $1",
                    [id]
                ).first
            else { return nil }
            let findings = try session.query(
                """
                SELECT kind, severity, provider, job_id, currency, expected_micros, observed_micros, difference_micros, detail
                FROM reconciliation_findings WHERE reconciliation_id = $1 ORDER BY id
                """, [id]
            ).map { row in
                ReconciliationFinding(
                    kind: try row.decode(0), severity: try row.decode(1), provider: try row.decodeIfPresent(2),
                    jobID: try row.decodeIfPresent(3), currency: try row.decodeIfPresent(4),
                    expectedMicros: try row.decodeIfPresent(5),
                    observedMicros: try row.decodeIfPresent(6), differenceMicros: try row.decodeIfPresent(7),
                    detail: try row.decode(8))
            }
            return ReconciliationReport(
                id: id, periodFrom: try run.decode(0), periodTo: try run.decode(1), startedAt: try run.decode(2),
                finishedAt: try run.decodeIfPresent(3), trigger: try run.decode(4), findings: findings,
                createdBy: try run.decodeIfPresent(5))
        }
    }

    /// Each provider's balance drift as the newest finished run found it (one entry per
    /// provider, with no amounts when it found none); empty before any run finished.
    public func latestDrift() async throws -> [ProviderID: BalanceDrift] {
        let providers = ProviderID.allCases.map(\.rawValue)
        return try await pool.withSession { session in
            var run: (id: UUID, at: PostgresTimestamp)?
            var amounts: [ProviderID: [BalanceDrift.Amount]] = [:]
            for row in try session.query(Self.latestDriftSQL, [providers]) {
                run = (try row.decode(0), try row.decode(1))
                guard let name = try row.decodeIfPresent(2, as: String.self), let provider = ProviderID(rawValue: name)
                else { continue }
                amounts[provider, default: []].append(
                    BalanceDrift.Amount(
                        currency: try row.decode(3), differenceMicros: try row.decode(4), severity: try row.decode(5)))
            }
            guard let run else { return [:] }
            return Dictionary(
                uniqueKeysWithValues: ProviderID.allCases.map { provider in
                    (
                        provider,
                        BalanceDrift(reconciliationID: run.id, reconciledAt: run.at, amounts: amounts[provider] ?? [])
                    )
                })
        }
    }

    /// reconciliation id, finished_at, then provider, currency, difference micros, severity of
    /// each balance drift that run found (nulls when it found none): the newest finished run
    /// only, so the figure is what reconciliation last concluded, not a history.
    static let latestDriftSQL = """
        WITH latest AS (
            SELECT id, finished_at FROM reconciliations
            WHERE finished_at IS NOT NULL
            ORDER BY finished_at DESC, id DESC LIMIT 1
        )
        SELECT latest.id, latest.finished_at, f.provider, f.currency, f.difference_micros, f.severity
        FROM latest
        LEFT JOIN reconciliation_findings f
          ON f.reconciliation_id = latest.id AND f.kind = 'balance_drift' AND f.provider = ANY($1::text[])
        ORDER BY f.provider, f.currency
        """
}

/// How far a provider's reported balance moved beyond what recorded charges explain, per
/// currency, as of one reconciliation run.
public struct BalanceDrift: Sendable {
    public struct Amount: Sendable {
        public let currency: String
        /// Observed change minus explained change; negative when the provider took more.
        public let differenceMicros: Int64
        public let severity: String
    }

    public let reconciliationID: UUID
    public let reconciledAt: PostgresTimestamp
    /// One entry per currency whose drift exceeded the tolerance.
    public let amounts: [Amount]
}
