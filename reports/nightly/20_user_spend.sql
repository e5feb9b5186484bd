-- title: Spend by user, provider and family
--
-- One row per user, currency, provider and model family with spend this month (to the end of
-- the report day), from the daily spend rollup (user_spend_daily) that each settlement keeps in
-- its own transaction. The provider is the hold's; the family is that of the job that owns the
-- hold, 'unknown' when no job names it (spend is never dropped). Jobs are settled holds,
-- counted once at their capture.
--
-- The month starts at date_trunc of a timestamp without time zone, which PostgreSQL can work
-- out while planning (the timestamptz form depends on the session's zone), so the plan reads
-- the report month's table of the rollup alone and can use its index.
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
WHERE s.day >= date_trunc('month', $1::date::timestamp)::date AND s.day <= $1::date
-- Grouped in byte order, the order of the rollup's index (migration 0019): the groups stream
-- out of the index with no sort, already in the order the rows are written.
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4
