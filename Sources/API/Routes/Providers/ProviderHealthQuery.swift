import Postgres
import Pricing
import ProviderRegistry

/// The SQL behind `GET /v1/providers`: four statements, each bounded. Job figures cover the
/// jobs created in the last `windowHours` (index `jobs_by_provider_time`), so their cost grows
/// with the window's traffic, not with history; balances are one index probe per
/// (provider, currency).
enum ProviderHealthQuery {
    static let windowHoursDefault = 24
    /// A week: enough for a dashboard trend, small enough to keep percentiles cheap.
    static let windowHoursMax = 168

    static let providers = ProviderID.allCases.map(\.rawValue)
    static let currencies = ["USD", "XNO", "USDC"]

    /// provider, currency, balance micros, source, taken_at: the newest snapshot of each.
    static let latestBalances = """
        SELECT p.provider, c.currency, s.balance_micros, s.source, s.taken_at
        FROM unnest($1::text[]) AS p(provider)
        CROSS JOIN unnest($2::text[]) AS c(currency)
        CROSS JOIN LATERAL (
            SELECT balance_micros, source, taken_at FROM provider_balance_snapshots b
            WHERE b.provider = p.provider AND b.currency = c.currency
            ORDER BY taken_at DESC, id DESC LIMIT 1
        ) s
        ORDER BY 1, 2
        """

    /// provider, status, jobs in the window.
    static let statusCounts = """
        SELECT provider, status, count(*)
        FROM jobs
        WHERE provider = ANY($1::text[]) AND created_at >= now() - make_interval(hours => $2::int)
        GROUP BY 1, 2
        """

    /// provider, completed jobs, p50 and p95 of finished_at − created_at in milliseconds, over
    /// the window's completed jobs (percentile_cont interpolates between samples).
    static let completionTimes = """
        SELECT provider, count(*),
               round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at)::float8) * 1000)::bigint,
               round(percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at)::float8) * 1000)::bigint
        FROM jobs
        WHERE provider = ANY($1::text[]) AND created_at >= now() - make_interval(hours => $2::int)
          AND status = 'completed' AND finished_at IS NOT NULL
        GROUP BY 1
        """

    /// reconciliation id, finished_at, then provider, currency, difference micros, severity of
    /// each balance drift that run found (nulls when it found none): the newest finished run
    /// only, so the figure is what reconciliation last concluded, not a history. One row of
    /// nulls after the first two columns when the run found no drift; no row before any run.
    static let latestDrift = """
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
