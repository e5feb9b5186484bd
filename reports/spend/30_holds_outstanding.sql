-- title: Holds outstanding at the end of the range
--
-- Each of the user's holds open at the end of the last day: made before it, and still open or
-- resolved after it.
--
-- $1 = user id, $2 = first day, $3 = last day (dates, UTC, inclusive).
WITH range AS NOT MATERIALIZED (
    -- first_day is unused here; it types $2 so every spend file takes the same parameters.
    SELECT ($3::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends,
           $2::date AS first_day
)
SELECT h.id::text AS hold_id,
       h.currency,
       h.provider,
       j.family,
       to_char(h.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS held_at,
       h.amount_micros AS held_micros
FROM holds h
CROSS JOIN range r
LEFT JOIN jobs j ON j.hold_id = h.id
WHERE h.user_id = $1::text AND h.created_at < r.ends AND (h.state = 'open' OR h.resolved_at >= r.ends)
ORDER BY h.created_at, h.id
