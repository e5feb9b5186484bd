-- title: Daily spend by provider, month to date
-- chart: day by spend_micros per provider
--
-- The spend of "Spend by provider and family" per UTC day from the first of the report day's
-- month to the report day, per provider and currency: one row for every day of the period and
-- every provider that spent in it (0 on a day it did not), so the chart draws one unbroken line
-- per provider. From the daily spend rollup, like the sections above.
--
-- $1 = the report day (date, UTC).
WITH spend AS (
    SELECT s.day, s.provider, s.currency,
           sum(s.spent_micros)::bigint AS spend_micros,
           sum(s.jobs_count)::bigint AS jobs
    FROM user_spend_daily s
    WHERE s.day >= date_trunc('month', $1::date::timestamp)::date AND s.day <= $1::date
    GROUP BY 1, 2, 3
),
lines AS (
    SELECT DISTINCT provider, currency FROM spend
),
days AS (
    SELECT generate_series(date_trunc('month', $1::date), $1::date, interval '1 day')::date AS day
)
SELECT to_char(days.day, 'YYYY-MM-DD') AS day,
       l.provider,
       l.currency,
       coalesce(s.spend_micros, 0)::bigint AS spend_micros,
       coalesce(s.jobs, 0)::bigint AS jobs
FROM days
CROSS JOIN lines l
LEFT JOIN spend s ON s.day = days.day AND s.provider = l.provider AND s.currency = l.currency
ORDER BY days.day, l.provider COLLATE "C", l.currency COLLATE "C"
