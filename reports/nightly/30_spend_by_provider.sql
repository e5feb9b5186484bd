-- title: Spend by provider and family
-- chart: top 20 provider by day_spend_micros
--
-- The same spend as "Spend by user, provider and family", summed over users.
--
-- $1 = the report day (date, UTC).
SELECT s.provider,
       s.family,
       s.currency,
       coalesce(sum(s.spent_micros) FILTER (WHERE s.day = $1::date), 0)::bigint AS day_spend_micros,
       coalesce(sum(s.jobs_count) FILTER (WHERE s.day = $1::date), 0)::bigint AS day_jobs,
       sum(s.spent_micros)::bigint AS mtd_spend_micros,
       sum(s.jobs_count)::bigint AS mtd_jobs
FROM user_spend_daily s
WHERE s.day >= date_trunc('month', $1::date::timestamp)::date AND s.day <= $1::date
GROUP BY s.provider, s.family, s.currency
ORDER BY s.provider COLLATE "C", s.family COLLATE "C", s.currency COLLATE "C"
