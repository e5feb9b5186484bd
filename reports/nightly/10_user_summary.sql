-- title: Users: spend, settled jobs and holds
-- chart: top 20 user_id by day_spend_micros
--
-- One row per user and currency with spend this month (to the end of the report day), a hold
-- released on the day, or a hold outstanding at the end of the day. A user whose jobs all
-- failed shows 0 spend, the holds released, and no open hold. Spend comes from the daily
-- rollup, so month to date costs one row per user, day, provider and family, not one per
-- transfer; the control totals check it against the journal itself. Users and currencies are
-- compared in byte order throughout: the rollup's index keeps them so (migration 0019), and
-- the spend streams out of it with no sort.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
),
spend AS (
    -- Spend from the daily rollup each settlement keeps (user_spend_daily): capture and excess
    -- transfers, summed per user and UTC day in the settling transaction.
    SELECT s.user_id COLLATE "C" AS user_id, s.currency COLLATE "C" AS currency,
           coalesce(sum(s.spent_micros) FILTER (WHERE s.day = $1::date), 0) AS day_spend,
           sum(s.spent_micros) AS mtd_spend,
           coalesce(sum(s.jobs_count) FILTER (WHERE s.day = $1::date), 0) AS day_jobs_charged
    FROM user_spend_daily s
    WHERE s.day >= date_trunc('month', $1::date::timestamp)::date AND s.day <= $1::date
    GROUP BY 1, 2
),
released AS (
    -- Holds that ended on the day with nothing charged (failed, cancelled, expired jobs).
    SELECT h.user_id COLLATE "C" AS user_id, h.currency COLLATE "C" AS currency, count(*) AS day_holds_released
    FROM holds h, day d
    WHERE h.state = 'released' AND h.resolved_at >= d.starts AND h.resolved_at < d.ends
    GROUP BY 1, 2
),
outstanding AS (
    -- Holds open at the end of the day: made before it, and still open or resolved after it.
    SELECT h.user_id COLLATE "C" AS user_id, h.currency COLLATE "C" AS currency, count(*) AS open_holds, sum(h.amount_micros) AS open_held
    FROM holds h, day d
    WHERE h.created_at < d.ends AND (h.state = 'open' OR h.resolved_at >= d.ends)
    GROUP BY 1, 2
)
SELECT user_id,
       currency,
       coalesce(s.day_spend, 0)::bigint AS day_spend_micros,
       coalesce(s.mtd_spend, 0)::bigint AS mtd_spend_micros,
       coalesce(s.day_jobs_charged, 0)::bigint AS day_jobs_charged,
       coalesce(r.day_holds_released, 0)::bigint AS day_holds_released,
       coalesce(o.open_holds, 0)::bigint AS open_holds,
       coalesce(o.open_held, 0)::bigint AS open_held_micros
FROM spend s
FULL JOIN released r USING (user_id, currency)
FULL JOIN outstanding o USING (user_id, currency)
ORDER BY user_id, currency
