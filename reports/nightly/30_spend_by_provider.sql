-- title: Spend by provider and family
-- chart: top 20 provider by day_spend_micros
--
-- The same spend as "Spend by user, provider and family", summed over users.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends,
           date_trunc('month', ($1::date)::timestamp) AT TIME ZONE 'UTC' AS month_starts
)
SELECT j.provider,
       j.family,
       t.currency,
       coalesce(sum(t.amount_micros) FILTER (WHERE t.created_at >= d.starts), 0)::bigint AS day_spend_micros,
       count(*) FILTER (WHERE t.kind = 'capture' AND t.created_at >= d.starts) AS day_jobs,
       sum(t.amount_micros)::bigint AS mtd_spend_micros,
       count(*) FILTER (WHERE t.kind = 'capture') AS mtd_jobs
FROM transfers t
CROSS JOIN day d
LEFT JOIN jobs j ON j.hold_id = t.hold_id
WHERE t.kind IN ('capture', 'excess') AND t.created_at >= d.month_starts AND t.created_at < d.ends
GROUP BY j.provider, j.family, t.currency
ORDER BY j.provider COLLATE "C" NULLS LAST, j.family COLLATE "C" NULLS LAST, t.currency COLLATE "C"
