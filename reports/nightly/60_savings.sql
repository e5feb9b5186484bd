-- title: Savings against the cheapest quote
--
-- Jobs settled on the day, against the cheapest offer for the same spec when the job was quoted
-- (quotes.cheapest_cost_micros). above_cheapest = quoted - cheapest: 0 when the job took the
-- cheapest offer, positive for what choosing the cheapest would have saved. Jobs without a quote
-- or without a recorded cheapest offer are counted in jobs_without_cheapest and left out of the
-- money columns.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
),
settled AS (
    SELECT j.provider, j.family, j.currency, j.quoted_micros, q.cheapest_cost_micros
    FROM holds h
    CROSS JOIN day d
    JOIN jobs j ON j.hold_id = h.id
    LEFT JOIN quotes q ON q.id = j.quote_id
    WHERE h.state = 'captured' AND h.resolved_at >= d.starts AND h.resolved_at < d.ends
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
