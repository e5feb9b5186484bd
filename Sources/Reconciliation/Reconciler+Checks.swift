import Foundation
import Jobs
import Ledger
import Postgres

extension Reconciler {
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
                findings.append(
                    ReconciliationFinding(
                        kind: "balance_drift", severity: "warning", provider: provider, currency: currency,
                        expectedMicros: expected,
                        observedMicros: observed, differenceMicros: difference,
                        detail: "\(measure) balance moved \(observed) micro-units, recorded charges explain \(expected)"
                    ))
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
                findings.append(
                    ReconciliationFinding(
                        kind: "balance_unavailable", severity: "info", provider: provider, currency: currency,
                        expectedMicros: try row.decode(2),
                        detail:
                            "charges recorded but fewer than two balance snapshots in the period: nothing to compare"))
            }
            return findings
        }
    }

    /// Jobs whose provider cost differs from ours, holds open too long, jobs held unknown or
    /// stalled, and shortfalls recorded at capture in the period.
    func jobFindings(from: Date, to: Date) async throws -> [ReconciliationFinding] {
        let limit = Self.findingsPerCheckMax
        let holdLimit = configuration.holdOpenMaxMilliseconds
        let now = clock.now
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
                findings.append(
                    ReconciliationFinding(
                        kind: "cost_mismatch", severity: "info", provider: try row.decode(1), jobID: try row.decode(0),
                        currency: try row.decode(2), expectedMicros: computed, observedMicros: providerCost,
                        differenceMicros: providerCost - computed,
                        detail: "provider cost \(providerCost) vs price book \(computed); charged \(actual)"))
            }
            for row in try session.query(
                """
                SELECT h.id, h.provider, h.currency, h.amount_micros, j.id, coalesce(j.status, 'none'),
                       (extract(epoch FROM $3::timestamptz - h.created_at) * 1000)::bigint
                FROM holds h LEFT JOIN jobs j ON j.hold_id = h.id
                WHERE h.state = 'open' AND h.created_at < $3::timestamptz - $1::float8 * interval '1 millisecond'
                ORDER BY h.created_at LIMIT $2
                """, [holdLimit, limit, now])
            {
                let holdID: Int64 = try row.decode(0)
                let status: String = try row.decode(5)
                let age: Int64 = try row.decode(6)
                findings.append(
                    ReconciliationFinding(
                        kind: "hold_open_too_long", severity: "warning", provider: try row.decode(1),
                        jobID: try row.decodeIfPresent(4),
                        currency: try row.decode(2), expectedMicros: try row.decode(3),
                        detail: "hold \(holdID) open for \(age) ms (limit \(holdLimit)); job is \(status)"))
            }
            for row in try session.query(
                """
                SELECT id, provider, currency, quoted_micros, status, coalesce(stall_reason, ''), coalesce(last_error, ''),
                       (extract(epoch FROM $2::timestamptz - coalesce(unknown_at, stalled_at, updated_at)) * 1000)::bigint
                FROM jobs WHERE status IN ('unknown', 'stalled') ORDER BY coalesce(unknown_at, stalled_at, updated_at) LIMIT $1
                """, [limit, now])
            {
                let status: String = try row.decode(4)
                let reason: String = try row.decode(5)
                let error: String = try row.decode(6)
                let age: Int64 = try row.decode(7)
                let what = status == "unknown" ? "submission outcome unknown" : "stalled (\(reason))"
                findings.append(
                    ReconciliationFinding(
                        kind: status == "unknown" ? "unknown_job" : "stalled_job", severity: "warning",
                        provider: try row.decode(1),
                        jobID: try row.decode(0), currency: try row.decode(2), expectedMicros: try row.decode(3),
                        detail: "\(what) for \(age) ms, hold kept: \(error)"))
            }
            for row in try session.query(
                """
                SELECT j.id, j.provider, h.currency, h.shortfall_micros, h.user_id FROM holds h JOIN jobs j ON j.hold_id = h.id
                WHERE h.shortfall_micros > 0 AND h.resolved_at BETWEEN $1 AND $2 ORDER BY h.resolved_at LIMIT $3
                """, [from, to, limit])
            {
                let shortfall: Int64 = try row.decode(3)
                let user: String = try row.decode(4)
                findings.append(
                    ReconciliationFinding(
                        kind: "shortfall", severity: "warning", provider: try row.decode(1), jobID: try row.decode(0),
                        currency: try row.decode(2), observedMicros: shortfall,
                        detail:
                            "user \(user) owes \(shortfall) micro-units that available plus credit could not cover at capture"
                    ))
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
                    currency: try row.decode(2), expectedMicros: catalog, observedMicros: live,
                    differenceMicros: difference,
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
        try await LedgerInvariants(pool: pool).run(adding: JobInvariants.checks).flatMap { finding in
            finding.violations.map { violation in
                ReconciliationFinding(
                    kind: "invariant_violation", severity: "error",
                    detail: "invariant \(finding.check.number) (\(finding.check.name)): \(violation)")
            }
        }
    }
}
