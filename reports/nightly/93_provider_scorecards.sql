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
-- The window's millions of jobs are read once into tallies: a row per group, status and time
-- to complete rounded to the tenth of a second the section shows. The percentiles come from
-- those counts and are exactly percentile_disc's: rounding never reorders two times, so the
-- k-th smallest rounded time is the k-th smallest time, rounded, with k = ceil(p × n) (at
-- least 1), as percentile_disc picks it. Sorting millions of times per group (the ordered-set
-- aggregate) took most of this section's time.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
),
tallies AS (
    SELECT j.provider, j.family, j.currency, j.status,
           coalesce(j.status = 'failed' AND j.failure_code = 'content_policy', false) AS content_policy,
           CASE WHEN j.status = 'completed' THEN round(extract(epoch FROM j.finished_at - j.created_at), 1) END
               AS took_seconds,
           count(*) AS jobs,
           sum(j.actual_micros - j.quoted_micros) AS quote_error_micros
    FROM jobs j
    CROSS JOIN day d
    WHERE j.created_at >= d.ends - interval '30 days' AND j.created_at < d.ends AND j.family IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6
),
timed AS (
    -- Completed jobs with a finish time, by time to complete: how many took at most this long.
    SELECT provider, family, currency, took_seconds,
           sum(jobs) OVER (PARTITION BY provider, family, currency ORDER BY took_seconds) AS jobs_through,
           sum(jobs) OVER (PARTITION BY provider, family, currency)::float8 AS jobs_timed
    FROM tallies
    WHERE status = 'completed' AND took_seconds IS NOT NULL
),
percentiles AS (
    SELECT provider, family, currency,
           min(took_seconds) FILTER (WHERE jobs_through >= greatest(ceil(0.5 * jobs_timed), 1)) AS p50_seconds,
           min(took_seconds) FILTER (WHERE jobs_through >= greatest(ceil(0.95 * jobs_timed), 1)) AS p95_seconds
    FROM timed
    GROUP BY 1, 2, 3
),
outcomes AS (
    SELECT provider, family, currency,
           sum(jobs)::bigint AS jobs,
           coalesce(sum(jobs) FILTER (WHERE status = 'completed'), 0)::bigint AS completed,
           coalesce(sum(jobs) FILTER (WHERE status = 'failed'), 0)::bigint AS failed,
           coalesce(sum(jobs) FILTER (WHERE content_policy), 0)::bigint AS content_policy,
           coalesce(sum(jobs) FILTER (WHERE status = 'expired'), 0)::bigint AS expired,
           coalesce(sum(jobs) FILTER (WHERE status = 'stalled'), 0)::bigint AS stalled,
           coalesce(sum(jobs) FILTER (WHERE status = 'unknown'), 0)::bigint AS unknown,
           coalesce(sum(quote_error_micros) FILTER (WHERE status = 'completed'), 0)::bigint AS quote_error_micros
    FROM tallies
    GROUP BY 1, 2, 3
)
SELECT o.provider,
       o.family,
       o.currency,
       o.jobs,
       o.completed,
       o.failed,
       o.content_policy,
       o.expired,
       o.stalled,
       o.unknown,
       coalesce(to_char(round(o.completed::numeric / nullif(o.completed + o.failed + o.expired, 0), 4), 'FM0.0000'), '')
           AS success_rate,
       coalesce(p.p50_seconds::text, '') AS p50_seconds,
       coalesce(p.p95_seconds::text, '') AS p95_seconds,
       o.quote_error_micros
FROM outcomes o
LEFT JOIN percentiles p USING (provider, family, currency)
ORDER BY o.provider COLLATE "C", o.family COLLATE "C", o.currency COLLATE "C"
