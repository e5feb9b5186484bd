-- title: Savings against the cheapest quote
--
-- The user's jobs settled in the range, against the cheapest offer for the same spec when the
-- job was quoted. above_cheapest = quoted - cheapest (0 when the job took the cheapest).
--
-- $1 = user id, $2 = first day, $3 = last day (dates, UTC, inclusive).
WITH range AS NOT MATERIALIZED (
    SELECT ($2::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($3::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
),
settled AS (
    SELECT j.provider, j.family, j.currency, j.quoted_micros, q.cheapest_cost_micros
    FROM holds h
    CROSS JOIN range r
    JOIN jobs j ON j.hold_id = h.id
    LEFT JOIN quotes q ON q.id = j.quote_id
    WHERE h.user_id = $1::text AND h.state = 'captured' AND h.resolved_at >= r.starts AND h.resolved_at < r.ends
)
SELECT provider,
       family,
       currency,
       count(*) AS jobs,
       count(*) FILTER (WHERE cheapest_cost_micros IS NULL) AS jobs_without_cheapest,
       count(*) FILTER (WHERE quoted_micros <= cheapest_cost_micros) AS jobs_on_cheapest,
       coalesce(sum(quoted_micros) FILTER (WHERE cheapest_cost_micros IS NOT NULL), 0)::bigint AS quoted_micros,
       coalesce(sum(cheapest_cost_micros), 0)::bigint AS cheapest_micros,
       coalesce(sum(quoted_micros - cheapest_cost_micros), 0)::bigint AS above_cheapest_micros
FROM settled
GROUP BY provider, family, currency
ORDER BY provider COLLATE "C", family COLLATE "C" NULLS LAST, currency COLLATE "C"
