-- title: Spend by provider and family
-- chart: top 20 provider by spend_micros
--
-- $1 = user id, $2 = first day, $3 = last day (dates, UTC, inclusive).
WITH range AS NOT MATERIALIZED (
    SELECT ($2::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($3::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
)
SELECT j.provider,
       j.family,
       t.currency,
       sum(t.amount_micros)::bigint AS spend_micros,
       count(*) FILTER (WHERE t.kind = 'capture') AS jobs
FROM transfers t
CROSS JOIN range r
LEFT JOIN jobs j ON j.hold_id = t.hold_id
WHERE t.user_id = $1::text AND t.kind IN ('capture', 'excess')
  AND t.created_at >= r.starts AND t.created_at < r.ends
GROUP BY j.provider, j.family, t.currency
ORDER BY j.provider COLLATE "C" NULLS LAST, j.family COLLATE "C" NULLS LAST, t.currency COLLATE "C"
