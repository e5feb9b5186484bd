-- title: Holds outstanding at the end of the day
--
-- Holds open at the end of the day (made before it, and still open or resolved after it), by
-- user, currency and provider, with the oldest hold's age.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
)
SELECT h.user_id,
       h.currency,
       h.provider,
       count(*) AS open_holds,
       sum(h.amount_micros)::bigint AS held_micros,
       to_char(min(h.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS oldest_hold_at
FROM holds h, day d
WHERE h.created_at < d.ends AND (h.state = 'open' OR h.resolved_at >= d.ends)
GROUP BY h.user_id, h.currency, h.provider
ORDER BY h.user_id COLLATE "C", h.currency COLLATE "C", h.provider COLLATE "C"
