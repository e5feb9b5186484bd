-- title: Money held until there is evidence
--
-- Jobs whose money was held at the end of the day because the provider's own answer had not
-- settled them: unknown (the submit's answer was lost) or stalled (the provider stopped giving
-- a usable answer), by provider, currency and state, with the oldest one's start. Their holds
-- stay until the provider speaks, reconciliation finds balance evidence, an operator resolves
-- them (videoledger job resolve) or the long bound releases them (see the next section).
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
),
held AS (
    SELECT j.provider, h.currency, h.amount_micros,
           CASE WHEN j.unknown_at IS NOT NULL AND j.unknown_at < d.ends THEN 'unknown' ELSE 'stalled' END AS state,
           least(j.unknown_at, j.stalled_at) AS held_since
    FROM jobs j
    JOIN holds h ON h.id = j.hold_id
    CROSS JOIN day d
    WHERE h.created_at < d.ends AND (h.state = 'open' OR h.resolved_at >= d.ends)
      AND ((j.unknown_at IS NOT NULL AND j.unknown_at < d.ends) OR (j.stalled_at IS NOT NULL AND j.stalled_at < d.ends))
)
SELECT provider,
       currency,
       state,
       count(*) AS jobs_held,
       sum(amount_micros)::bigint AS held_micros,
       to_char(min(held_since) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS oldest_held_since
FROM held
GROUP BY provider, currency, state
ORDER BY provider COLLATE "C", currency COLLATE "C", state COLLATE "C"
