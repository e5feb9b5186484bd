import Foundation
import Ledger
import Postgres

extension Reconciler {
    /// Submits whose answer was lost become `unknown` (as the poller would, for a database no
    /// poller watches); `unknown` jobs past `unknownResolveAfterMilliseconds` are expired with
    /// their hold released. None of the five adapters can look a job up without its provider id,
    /// so the bound is the resolution; a provider charge for such a job shows as balance drift.
    func resolveUnknownJobs() async throws -> [ReconciliationFinding] {
        let limit = Self.findingsPerCheckMax
        let bound = configuration.unknownResolveAfterMilliseconds
        let stale: [UUID] = try await pool.withSession { session in
            try session.execute(
                """
                UPDATE jobs SET status = 'unknown', unknown_at = now(), updated_at = now(), next_poll_at = NULL,
                       last_error = coalesce(last_error, 'the submit answer was lost: its lease ran out'),
                       lease_owner = NULL, lease_expires_at = NULL
                WHERE status = 'submitting' AND dispatched_at IS NOT NULL AND lease_expires_at < now()
                """)
            return try session.query(
                """
                SELECT id FROM jobs WHERE status = 'unknown' AND unknown_at < now() - $1::float8 * interval '1 millisecond'
                ORDER BY unknown_at LIMIT $2
                """, [bound, limit]
            ).map { try $0.decode(0) }
        }
        var findings: [ReconciliationFinding] = []
        for id in stale {
            let ended = try await pool.transaction { session -> JobRecord? in
                guard let job = try JobStore.load(session, id: id, forUpdate: true, withTransfers: false), job.status == .unknown else {
                    return nil
                }
                let reason = "submission outcome unknown for over \(bound) ms; hold released"
                guard try self.settlement.end(session, job: job, as: .expired, code: "unknown_unresolved", reason: reason, refunded: false)
                else { return nil }
                return job
            }
            guard let job = ended else { continue }
            JobMetrics.transition(to: .expired)
            findings.append(ReconciliationFinding(
                kind: "unknown_resolved", severity: "warning", provider: job.provider, jobID: job.id, currency: job.currency,
                expectedMicros: job.quotedMicros,
                detail: "submission outcome never learned; hold of \(job.quotedMicros) micro-units released, the provider may have charged"))
        }
        return findings
    }

    /// Per provider, currency and measure: the balance change between the first and last
    /// snapshot in the period against the charges recorded in between. An available balance
    /// falls by what was charged; a spent-to-date counter rises by it.
    func balanceFindings(from: Date, to: Date) async throws -> [ReconciliationFinding] {
        let tolerance = configuration.balanceToleranceMicros
        return try await pool.withSession { session in
            var findings: [ReconciliationFinding] = []
            var compared = Set<String>()
            let rows = try session.query(
                """
                WITH s AS (
                    SELECT provider, currency, measure, balance_micros, taken_at,
                           row_number() OVER (PARTITION BY provider, currency, measure ORDER BY taken_at, id) AS first_rank,
                           row_number() OVER (PARTITION BY provider, currency, measure ORDER BY taken_at DESC, id DESC) AS last_rank
                    FROM provider_balance_snapshots WHERE taken_at BETWEEN $1 AND $2)
                SELECT f.provider, f.currency, f.measure, f.balance_micros, l.balance_micros,
                       coalesce((SELECT sum(c.amount_micros) FROM provider_charges c
                                 WHERE c.provider = f.provider AND c.currency = f.currency
                                   AND c.recorded_at > f.taken_at AND c.recorded_at <= l.taken_at), 0)::bigint,
                       f.taken_at < l.taken_at
                FROM s f JOIN s l ON l.provider = f.provider AND l.currency = f.currency AND l.measure = f.measure AND l.last_rank = 1
                WHERE f.first_rank = 1
                ORDER BY f.provider, f.currency, f.measure
                """, [from, to])
            for row in rows {
                let provider: String = try row.decode(0)
                let currency: String = try row.decode(1)
                let measure: String = try row.decode(2)
                let first: Int64 = try row.decode(3)
                let last: Int64 = try row.decode(4)
                let charged: Int64 = try row.decode(5)
                guard try row.decode(6, as: Bool.self) else { continue }
                compared.insert(provider + "|" + currency)
                let observed = last - first
                let expected = measure == "spent_to_date" ? charged : -charged
                let difference = observed - expected
                guard abs(difference) > tolerance else { continue }
                findings.append(ReconciliationFinding(
                    kind: "balance_drift", severity: "warning", provider: provider, currency: currency, expectedMicros: expected,
                    observedMicros: observed, differenceMicros: difference,
                    detail: "\(measure) balance moved \(observed) micro-units, recorded charges explain \(expected)"))
            }
            let charged = try session.query(
                """
                SELECT provider, currency, sum(amount_micros)::bigint FROM provider_charges
                WHERE recorded_at BETWEEN $1 AND $2 GROUP BY provider, currency ORDER BY provider, currency
                """, [from, to])
            for row in charged {
                let provider: String = try row.decode(0)
                let currency: String = try row.decode(1)
                guard !compared.contains(provider + "|" + currency) else { continue }
                findings.append(ReconciliationFinding(
                    kind: "balance_unavailable", severity: "info", provider: provider, currency: currency,
                    expectedMicros: try row.decode(2),
                    detail: "charges recorded but fewer than two balance snapshots in the period: nothing to compare"))
            }
            return findings
        }
    }

    /// Jobs whose provider cost differs from ours, holds open too long, jobs still unknown.
    func jobFindings(from: Date, to: Date) async throws -> [ReconciliationFinding] {
        let limit = Self.findingsPerCheckMax
        let holdLimit = configuration.holdOpenMaxMilliseconds
        return try await pool.withSession { session in
            var findings: [ReconciliationFinding] = []
            for row in try session.query(
                """
                SELECT id, provider, currency, computed_micros, provider_cost_micros, actual_micros FROM jobs
                WHERE finished_at BETWEEN $1 AND $2 AND status = 'completed' AND provider_cost_micros IS NOT NULL
                  AND provider_cost_currency = currency AND provider_cost_micros <> computed_micros
                ORDER BY finished_at LIMIT $3
                """, [from, to, limit])
            {
                let computed: Int64 = try row.decode(3)
                let providerCost: Int64 = try row.decode(4)
                let actual: Int64 = try row.decode(5)
                findings.append(ReconciliationFinding(
                    kind: "cost_mismatch", severity: "info", provider: try row.decode(1), jobID: try row.decode(0),
                    currency: try row.decode(2), expectedMicros: computed, observedMicros: providerCost,
                    differenceMicros: providerCost - computed,
                    detail: "provider cost \(providerCost) vs price book \(computed); charged \(actual)"))
            }
            for row in try session.query(
                """
                SELECT h.id, h.provider, h.currency, h.amount_micros, j.id, coalesce(j.status, 'none'),
                       (extract(epoch FROM now() - h.created_at) * 1000)::bigint
                FROM holds h LEFT JOIN jobs j ON j.hold_id = h.id
                WHERE h.state = 'open' AND h.created_at < now() - $1::float8 * interval '1 millisecond'
                ORDER BY h.created_at LIMIT $2
                """, [holdLimit, limit])
            {
                let holdID: Int64 = try row.decode(0)
                let status: String = try row.decode(5)
                let age: Int64 = try row.decode(6)
                findings.append(ReconciliationFinding(
                    kind: "hold_open_too_long", severity: "warning", provider: try row.decode(1), jobID: try row.decodeIfPresent(4),
                    currency: try row.decode(2), expectedMicros: try row.decode(3),
                    detail: "hold \(holdID) open for \(age) ms (limit \(holdLimit)); job is \(status)"))
            }
            for row in try session.query(
                """
                SELECT id, provider, currency, quoted_micros, coalesce(last_error, ''),
                       (extract(epoch FROM now() - coalesce(unknown_at, updated_at)) * 1000)::bigint
                FROM jobs WHERE status = 'unknown' ORDER BY unknown_at LIMIT $1
                """, [limit])
            {
                let age: Int64 = try row.decode(5)
                let error: String = try row.decode(4)
                findings.append(ReconciliationFinding(
                    kind: "unknown_job", severity: "warning", provider: try row.decode(1), jobID: try row.decode(0),
                    currency: try row.decode(2), expectedMicros: try row.decode(3),
                    detail: "submission outcome unknown for \(age) ms: \(error)"))
            }
            return findings
        }
    }

    /// Per provider model, jobs submitted in the period whose live quote (the provider's own
    /// price at submit) differs from the catalog quote: the price book needs a look. A warning
    /// when the live prices differ from the catalog's by more than 5 % in total.
    func liveQuoteFindings(from: Date, to: Date) async throws -> [ReconciliationFinding] {
        try await pool.withSession { session in
            try session.query(
                """
                SELECT provider, provider_model, currency, count(*)::bigint,
                       count(*) FILTER (WHERE live_quote_micros <> quoted_micros)::bigint,
                       sum(quoted_micros)::bigint, sum(live_quote_micros)::bigint
                FROM jobs WHERE created_at BETWEEN $1 AND $2 AND live_quote_micros IS NOT NULL
                GROUP BY provider, provider_model, currency
                HAVING count(*) FILTER (WHERE live_quote_micros <> quoted_micros) > 0
                ORDER BY provider, provider_model, currency LIMIT $3
                """, [from, to, Self.findingsPerCheckMax]
            ).map { row in
                let model: String = try row.decode(1)
                let jobs: Int64 = try row.decode(3)
                let differing: Int64 = try row.decode(4)
                let catalog: Int64 = try row.decode(5)
                let live: Int64 = try row.decode(6)
                let difference = live - catalog
                let large = Self.exceedsWarning(differenceMicros: difference, catalogMicros: catalog)
                return ReconciliationFinding(
                    kind: "live_quote_drift", severity: large ? "warning" : "info", provider: try row.decode(0),
                    currency: try row.decode(2), expectedMicros: catalog, observedMicros: live, differenceMicros: difference,
                    detail: "\(model): \(differing) of \(jobs) live-quoted jobs priced differently by the provider; "
                        + "catalog \(catalog), live \(live) micro-units")
            }
        }
    }

    /// Live prices off the catalog by more than this in total (basis points) make a warning.
    static let liveQuoteDriftWarningBasisPoints: Int64 = 500

    /// |difference| / catalog > the warning threshold, in exact integer arithmetic.
    static func exceedsWarning(differenceMicros: Int64, catalogMicros: Int64) -> Bool {
        let scaledDifference: Int128 = Int128(differenceMicros.magnitude) * 10_000
        let threshold: Int128 = Int128(catalogMicros.magnitude) * Int128(liveQuoteDriftWarningBasisPoints)
        return scaledDifference > threshold
    }

    func invariantFindings() async throws -> [ReconciliationFinding] {
        try await LedgerInvariants(pool: pool).run().flatMap { finding in
            finding.violations.map { violation in
                ReconciliationFinding(
                    kind: "invariant_violation", severity: "error",
                    detail: "invariant \(finding.check.number) (\(finding.check.name)): \(violation)")
            }
        }
    }
}
