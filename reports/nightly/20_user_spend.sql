-- title: Spend by user, provider and family
--
-- One row per user, currency, provider and model family with spend this month (to the end of
-- the report day). Spend is attributed to a job through jobs.hold_id = transfers.hold_id and to
-- its provider and family through the job. Spend on a hold that no job points to is kept (never
-- dropped) with an empty provider and family.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends,
           date_trunc('month', ($1::date)::timestamp) AT TIME ZONE 'UTC' AS month_starts
)
SELECT t.user_id,
       t.currency,
       j.provider,
       j.family,
       coalesce(sum(t.amount_micros) FILTER (WHERE t.created_at >= d.starts), 0)::bigint AS day_spend_micros,
       count(*) FILTER (WHERE t.kind = 'capture' AND t.created_at >= d.starts) AS day_jobs,
       sum(t.amount_micros)::bigint AS mtd_spend_micros,
       count(*) FILTER (WHERE t.kind = 'capture') AS mtd_jobs
FROM transfers t
CROSS JOIN day d
LEFT JOIN jobs j ON j.hold_id = t.hold_id
WHERE t.kind IN ('capture', 'excess') AND t.created_at >= d.month_starts AND t.created_at < d.ends
GROUP BY t.user_id, t.currency, j.provider, j.family
ORDER BY t.user_id COLLATE "C", t.currency COLLATE "C", j.provider COLLATE "C" NULLS LAST, j.family COLLATE "C" NULLS LAST
