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
    /// Each window's name and its length as a PostgreSQL interval.
    static let windows: [(name: String, length: String)] = [("24h", "24 hours"), ("7d", "7 days"), ("30d", "30 days")]

    /// One branch per window, each reading its own range of `jobs_by_time` and grouping it by
    /// provider and family, joined by `UNION ALL`.
    ///
    /// The windows overlap, so the 30-day branch reads again the jobs the shorter ones read
    /// (about a third more rows than one pass). Both ways that avoid it were slower on 4 M jobs:
    /// one read joined to the three windows materialised the rows and sorted all 5 M of them on
    /// disk (15.3 s), and one pass with every aggregate once per window ran three times as many
    /// aggregates per job (17.8 s). Each branch here sorts only its own narrow rows, in parallel
    /// workers (10–11 s).
    static let sql =
        "SELECT " + columns.joined(separator: ", ") + "\nFROM (\n"
        + windows.enumerated().map { position, window in branch(window.name, position, window.length) }
        .joined(separator: "    UNION ALL\n")
        + ") w\nORDER BY position, provider COLLATE \"C\", family COLLATE \"C\""

    /// The result's columns, in the order `ScorecardReader.row` and `scorecard_rows` keep them
    /// (the first, `name`, is `window_name` there).
    static let columns = [
        "name", "provider", "family", "jobs", "completed", "failed", "content_policy", "cancelled", "expired",
        "stalled",
        "unknown", "in_flight", "refunded", "p50_ms", "p95_ms", "costed", "costed_quoted_micros", "error_total_micros",
        "error_p50_micros", "error_p95_micros", "failed_quoted_micros", "failed_billed_micros", "live_quoted",
        "drift_total_micros", "drift_p50_micros", "drift_p95_micros",
    ]

    /// The figures of the window `name`: the jobs created in the `length` before `$1`. A failed
    /// job's charges are summed by the lateral read only when it failed (its one-time filter).
    private static func branch(_ name: String, _ position: Int, _ length: String) -> String {
        """
            SELECT '\(name)' AS name, \(position) AS position, r.provider, r.family,
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
                   coalesce(sum(r.actual_micros - r.quoted_micros) FILTER (WHERE r.status = 'completed'), 0)::bigint
                       AS error_total_micros,
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY r.actual_micros - r.quoted_micros)
                       FILTER (WHERE r.status = 'completed') AS error_p50_micros,
                   percentile_disc(0.95) WITHIN GROUP (ORDER BY r.actual_micros - r.quoted_micros)
                       FILTER (WHERE r.status = 'completed') AS error_p95_micros,
                   coalesce(sum(r.quoted_micros) FILTER (WHERE r.status = 'failed'), 0)::bigint AS failed_quoted_micros,
                   coalesce(sum(greatest(r.billed_micros, 0)) FILTER (WHERE r.status = 'failed'), 0)::bigint
                       AS failed_billed_micros,
                   count(*) FILTER (WHERE r.live_quote_micros IS NOT NULL) AS live_quoted,
                   coalesce(sum(r.live_quote_micros - r.quoted_micros), 0)::bigint AS drift_total_micros,
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY r.live_quote_micros - r.quoted_micros) AS drift_p50_micros,
                   percentile_disc(0.95) WITHIN GROUP (ORDER BY r.live_quote_micros - r.quoted_micros) AS drift_p95_micros
            FROM (
                SELECT j.provider, j.family, j.status, j.failure_code, j.refunded, j.quoted_micros, j.actual_micros,
                       j.live_quote_micros, round(extract(epoch FROM j.finished_at - j.created_at) * 1000)::bigint AS took_ms,
                       b.micros AS billed_micros
                FROM jobs j
                LEFT JOIN LATERAL (
                    SELECT sum(c.amount_micros)::bigint AS micros FROM provider_charges c
                    WHERE j.status = 'failed' AND c.job_id = j.id AND c.currency IN ('USD', 'USDC')
                ) b ON true
                WHERE j.created_at >= $1::timestamptz - interval '\(length)' AND j.created_at < $1::timestamptz
                  AND j.family IS NOT NULL
            ) r
            GROUP BY r.provider, r.family

        """
    }
}
