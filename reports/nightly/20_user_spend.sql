-- title: Spend by user, provider and family
--
-- One row per user, currency, provider and model family with spend this month (to the end of
-- the report day), from the daily spend rollup (user_spend_daily) that each settlement keeps in
-- its own transaction. The provider is the hold's; the family is that of the job that owns the
-- hold, 'unknown' when no job names it (spend is never dropped). Jobs are settled holds,
-- counted once at their capture.
--
-- $1 = the report day (date, UTC).
SELECT s.user_id COLLATE "C" AS user_id,
       s.currency COLLATE "C" AS currency,
       s.provider COLLATE "C" AS provider,
       s.family COLLATE "C" AS family,
       coalesce(sum(s.spent_micros) FILTER (WHERE s.day = $1::date), 0)::bigint AS day_spend_micros,
       coalesce(sum(s.jobs_count) FILTER (WHERE s.day = $1::date), 0)::bigint AS day_jobs,
       sum(s.spent_micros)::bigint AS mtd_spend_micros,
       sum(s.jobs_count)::bigint AS mtd_jobs
FROM user_spend_daily s
WHERE s.day >= date_trunc('month', $1::date)::date AND s.day <= $1::date
-- Grouped in the order the rows are written (byte order), so one sort serves both.
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4
