-- title: Provider scorecards, the 30 days to the end of the day
-- meter: success_rate
--
-- Jobs created in the 30 days ending at the end of the report day, per provider, model family
-- and currency, as GET /v1/providers/scorecards counts them (its 30 d window as of that
-- instant): jobs by outcome, stalled and unknown (held) jobs, success_rate = completed ÷
-- (completed + failed + expired) to four decimals (exact numeric, as text; empty without an
-- outcome), p50/p95 seconds from creation to completion, and the quote error
-- (actual - quoted) summed over completed jobs.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
),
recent AS (
    SELECT j.provider, j.family, j.currency, j.status, j.failure_code, j.quoted_micros, j.actual_micros,
           extract(epoch FROM j.finished_at - j.created_at) AS took_seconds
    FROM jobs j
    CROSS JOIN day d
    WHERE j.created_at >= d.ends - interval '30 days' AND j.created_at < d.ends AND j.family IS NOT NULL
)
SELECT provider,
       family,
       currency,
       count(*) AS jobs,
       count(*) FILTER (WHERE status = 'completed') AS completed,
       count(*) FILTER (WHERE status = 'failed') AS failed,
       count(*) FILTER (WHERE status = 'failed' AND failure_code = 'content_policy') AS content_policy,
       count(*) FILTER (WHERE status = 'expired') AS expired,
       count(*) FILTER (WHERE status = 'stalled') AS stalled,
       count(*) FILTER (WHERE status = 'unknown') AS unknown,
       coalesce(to_char(round(count(*) FILTER (WHERE status = 'completed')::numeric
           / nullif(count(*) FILTER (WHERE status IN ('completed', 'failed', 'expired')), 0), 4), 'FM0.0000'), '') AS success_rate,
       coalesce(round((percentile_disc(0.5) WITHIN GROUP (ORDER BY took_seconds) FILTER (WHERE status = 'completed'))::numeric, 1)::text, '')
           AS p50_seconds,
       coalesce(round((percentile_disc(0.95) WITHIN GROUP (ORDER BY took_seconds) FILTER (WHERE status = 'completed'))::numeric, 1)::text, '')
           AS p95_seconds,
       coalesce(sum(actual_micros - quoted_micros) FILTER (WHERE status = 'completed'), 0)::bigint AS quote_error_micros
FROM recent
GROUP BY provider, family, currency
ORDER BY provider COLLATE "C", family COLLATE "C", currency COLLATE "C"
