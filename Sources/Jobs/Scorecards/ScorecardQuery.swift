import ProviderRegistry

/// The scorecard's one read of the job history: per window, provider and model family, every
/// figure the scorecard shows and the expected cost rests on. `$1` = the end of the windows
/// (`timestamptz`); a window of length L holds the jobs created in `[$1 − L, $1)`.
///
/// Money stays integer micro-units: quote errors and drift are sums and observed values
/// (`percentile_disc` picks a real job's figure, never an interpolation). Times to complete are
/// whole milliseconds from `created_at` to `finished_at`. What a failed job was billed is what
/// the provider kept of it by our record (`provider_charges`: precharge less refund), in USD or
/// the USD-pegged USDC only.
enum ScorecardQuery {
    static let windows: [(name: String, seconds: Int)] = [("24h", 86_400), ("7d", 7 * 86_400), ("30d", 30 * 86_400)]

    static let sql = """
        WITH params AS (SELECT $1::timestamptz AS as_of),
        windows (name, position, length) AS (
            VALUES ('24h', 1, interval '24 hours'), ('7d', 2, interval '7 days'), ('30d', 3, interval '30 days')
        ),
        recent AS (
            SELECT j.id, j.provider, j.family, j.status, j.failure_code, j.refunded, j.quoted_micros, j.actual_micros,
                   j.live_quote_micros, j.created_at,
                   round(extract(epoch FROM j.finished_at - j.created_at) * 1000)::bigint AS took_ms
            FROM jobs j CROSS JOIN params p
            WHERE j.created_at >= p.as_of - interval '30 days' AND j.created_at < p.as_of AND j.family IS NOT NULL
        ),
        billed AS (
            SELECT c.job_id, sum(c.amount_micros)::bigint AS micros
            FROM provider_charges c JOIN recent r ON r.id = c.job_id
            WHERE r.status = 'failed' AND c.currency IN ('USD', 'USDC')
            GROUP BY c.job_id
        )
        SELECT w.name, r.provider, r.family,
               count(*) AS jobs,
               count(*) FILTER (WHERE r.status = 'completed') AS completed,
               count(*) FILTER (WHERE r.status = 'failed') AS failed,
               count(*) FILTER (WHERE r.status = 'failed' AND r.failure_code = 'content_policy') AS content_policy,
               count(*) FILTER (WHERE r.status = 'cancelled') AS cancelled,
               count(*) FILTER (WHERE r.status = 'expired') AS expired,
               count(*) FILTER (WHERE r.status = 'stalled') AS stalled,
               count(*) FILTER (WHERE r.status = 'unknown') AS unknown,
               count(*) FILTER (WHERE r.status IN ('submitting', 'queued', 'running')) AS in_flight,
               count(*) FILTER (WHERE r.status = 'failed' AND r.refunded) AS refunded,
               percentile_disc(0.5) WITHIN GROUP (ORDER BY r.took_ms) FILTER (WHERE r.status = 'completed') AS p50_ms,
               percentile_disc(0.95) WITHIN GROUP (ORDER BY r.took_ms) FILTER (WHERE r.status = 'completed') AS p95_ms,
               count(*) FILTER (WHERE r.status = 'completed' AND r.actual_micros IS NOT NULL) AS costed,
               coalesce(sum(r.quoted_micros) FILTER (WHERE r.status = 'completed' AND r.actual_micros IS NOT NULL), 0)::bigint
                   AS costed_quoted_micros,
               coalesce(sum(r.actual_micros - r.quoted_micros) FILTER (WHERE r.status = 'completed'), 0)::bigint AS error_total_micros,
               percentile_disc(0.5) WITHIN GROUP (ORDER BY r.actual_micros - r.quoted_micros) FILTER (WHERE r.status = 'completed')
                   AS error_p50_micros,
               percentile_disc(0.95) WITHIN GROUP (ORDER BY r.actual_micros - r.quoted_micros) FILTER (WHERE r.status = 'completed')
                   AS error_p95_micros,
               coalesce(sum(r.quoted_micros) FILTER (WHERE r.status = 'failed'), 0)::bigint AS failed_quoted_micros,
               coalesce(sum(greatest(b.micros, 0)) FILTER (WHERE r.status = 'failed'), 0)::bigint AS failed_billed_micros,
               count(*) FILTER (WHERE r.live_quote_micros IS NOT NULL) AS live_quoted,
               coalesce(sum(r.live_quote_micros - r.quoted_micros), 0)::bigint AS drift_total_micros,
               percentile_disc(0.5) WITHIN GROUP (ORDER BY r.live_quote_micros - r.quoted_micros) AS drift_p50_micros,
               percentile_disc(0.95) WITHIN GROUP (ORDER BY r.live_quote_micros - r.quoted_micros) AS drift_p95_micros
        FROM recent r
        CROSS JOIN params p
        JOIN windows w ON r.created_at >= p.as_of - w.length
        LEFT JOIN billed b ON b.job_id = r.id
        GROUP BY w.position, w.name, r.provider, r.family
        ORDER BY w.position, r.provider COLLATE "C", r.family COLLATE "C"
        """
}
