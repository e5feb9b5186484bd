-- title: Spend by day, provider and family
-- chart: day by spend_micros
--
-- One user's spend (capture and excess transfers) per UTC day in the range, attributed to a job
-- through jobs.hold_id = transfers.hold_id and to provider and family through the job.
--
-- $1 = user id, $2 = first day, $3 = last day (dates, UTC, inclusive).
WITH range AS NOT MATERIALIZED (
    SELECT ($2::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($3::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
)
SELECT to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
       t.currency,
       j.provider,
       j.family,
       sum(t.amount_micros)::bigint AS spend_micros,
       count(*) FILTER (WHERE t.kind = 'capture') AS jobs
FROM transfers t
CROSS JOIN range r
LEFT JOIN jobs j ON j.hold_id = t.hold_id
WHERE t.user_id = $1::text AND t.kind IN ('capture', 'excess')
  AND t.created_at >= r.starts AND t.created_at < r.ends
GROUP BY 1, t.currency, j.provider, j.family
ORDER BY 1, t.currency COLLATE "C", j.provider COLLATE "C" NULLS LAST, j.family COLLATE "C" NULLS LAST
