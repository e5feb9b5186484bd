-- title: Users: spend, settled jobs and holds
-- chart: top 20 user_id by day_spend_micros
--
-- One row per user and currency with spend this month (to the end of the report day), a hold
-- released on the day, or a hold outstanding at the end of the day. A user whose jobs all
-- failed shows 0 spend, the holds released, and no open hold.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends,
           date_trunc('month', ($1::date)::timestamp) AT TIME ZONE 'UTC' AS month_starts
),
spend AS (
    -- Spend: capture (held -> payable) and excess (available -> payable) transfers.
    SELECT t.user_id, t.currency,
           coalesce(sum(t.amount_micros) FILTER (WHERE t.created_at >= d.starts), 0) AS day_spend,
           sum(t.amount_micros) AS mtd_spend,
           count(*) FILTER (WHERE t.kind = 'capture' AND t.created_at >= d.starts) AS day_jobs_charged
    FROM transfers t, day d
    WHERE t.kind IN ('capture', 'excess') AND t.created_at >= d.month_starts AND t.created_at < d.ends
    GROUP BY t.user_id, t.currency
),
released AS (
    -- Holds that ended on the day with nothing charged (failed, cancelled, expired jobs).
    SELECT h.user_id, h.currency, count(*) AS day_holds_released
    FROM holds h, day d
    WHERE h.state = 'released' AND h.resolved_at >= d.starts AND h.resolved_at < d.ends
    GROUP BY h.user_id, h.currency
),
outstanding AS (
    -- Holds open at the end of the day: made before it, and still open or resolved after it.
    SELECT h.user_id, h.currency, count(*) AS open_holds, sum(h.amount_micros) AS open_held
    FROM holds h, day d
    WHERE h.created_at < d.ends AND (h.state = 'open' OR h.resolved_at >= d.ends)
    GROUP BY h.user_id, h.currency
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
ORDER BY user_id COLLATE "C", currency COLLATE "C"
