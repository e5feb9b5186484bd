-- title: Shortfalls
--
-- Captures on the day whose actual cost exceeded the hold by more than the user's available
-- balance plus credit could cover: the uncovered part is recorded on the hold as its shortfall,
-- owed by the user and never dropped. By user and currency.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
)
SELECT h.user_id,
       h.currency,
       count(*) AS holds_short,
       sum(h.excess_micros)::bigint AS excess_micros,
       sum(h.shortfall_micros)::bigint AS shortfall_micros
FROM holds h
CROSS JOIN day d
WHERE h.state = 'captured' AND h.shortfall_micros > 0 AND h.resolved_at >= d.starts AND h.resolved_at < d.ends
GROUP BY h.user_id, h.currency
ORDER BY h.user_id COLLATE "C", h.currency COLLATE "C"
