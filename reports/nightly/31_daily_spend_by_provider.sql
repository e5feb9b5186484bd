-- title: Daily spend by provider, month to date
-- chart: day by spend_micros per provider
--
-- The spend of "Spend by provider and family" per UTC day from the first of the report day's
-- month to the report day, per provider and currency: one row for every day of the period and
-- every provider that spent in it (0 on a day it did not), so the chart draws one unbroken line
-- per provider. Spend on a hold no job points to is kept, with an empty provider.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends,
           date_trunc('month', ($1::date)::timestamp) AT TIME ZONE 'UTC' AS month_starts,
           date_trunc('month', ($1::date)::timestamp)::date AS first_day
),
spend AS (
    SELECT (t.created_at AT TIME ZONE 'UTC')::date AS day, j.provider, t.currency,
           sum(t.amount_micros)::bigint AS spend_micros,
           count(*) FILTER (WHERE t.kind = 'capture') AS jobs
    FROM transfers t
    CROSS JOIN day d
    LEFT JOIN jobs j ON j.hold_id = t.hold_id
    WHERE t.kind IN ('capture', 'excess') AND t.created_at >= d.month_starts AND t.created_at < d.ends
    GROUP BY 1, 2, 3
),
lines AS (
    SELECT DISTINCT provider, currency FROM spend
),
days AS (
    SELECT generate_series(d.first_day, $1::date, interval '1 day')::date AS day FROM day d
)
SELECT to_char(days.day, 'YYYY-MM-DD') AS day,
       l.provider,
       l.currency,
       coalesce(s.spend_micros, 0)::bigint AS spend_micros,
       coalesce(s.jobs, 0)::bigint AS jobs
FROM days
CROSS JOIN lines l
LEFT JOIN spend s ON s.day = days.day AND s.provider IS NOT DISTINCT FROM l.provider AND s.currency = l.currency
ORDER BY days.day, l.provider COLLATE "C" NULLS LAST, l.currency COLLATE "C"
