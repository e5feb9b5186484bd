-- title: Savings per user against the cheapest at submit time
--
-- Jobs settled on the day (hold captured on the day), per user: what they cost (actual), and
-- for jobs that kept what the ranking saw when they were submitted (jobs.ranked_by, migration
-- 0013; NULL for recorded jobs and jobs from before), their quotes against the cheapest price
-- of any qualifying offer then (above_cheapest_price = quoted - cheapest_price), and the chosen
-- offer's expected cost per successful clip against the lowest expected cost then
-- (above_cheapest_expected = expected - cheapest_expected). 0 means the job took the cheapest
-- by that measure; a job ranked by expected cost may be above the cheapest price on purpose.
-- Jobs without the record are counted in jobs_without_ranking and left out of those columns.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
),
settled AS (
    SELECT j.user_id, j.currency, j.quoted_micros, coalesce(j.actual_micros, h.captured_micros + h.excess_micros) AS actual_micros,
           j.ranked_by, j.expected_micros, j.cheapest_price_micros, j.cheapest_expected_micros
    FROM holds h
    CROSS JOIN day d
    JOIN jobs j ON j.hold_id = h.id
    WHERE h.state = 'captured' AND h.resolved_at >= d.starts AND h.resolved_at < d.ends
)
SELECT user_id,
       currency,
       count(*) AS jobs,
       count(*) FILTER (WHERE ranked_by IS NULL) AS jobs_without_ranking,
       count(*) FILTER (WHERE ranked_by = 'expected') AS jobs_ranked_by_expected,
       sum(actual_micros)::bigint AS cost_micros,
       coalesce(sum(quoted_micros) FILTER (WHERE ranked_by IS NOT NULL), 0)::bigint AS quoted_micros,
       coalesce(sum(cheapest_price_micros) FILTER (WHERE ranked_by IS NOT NULL), 0)::bigint AS cheapest_price_micros,
       coalesce(sum(quoted_micros - cheapest_price_micros) FILTER (WHERE ranked_by IS NOT NULL), 0)::bigint
           AS above_cheapest_price_micros,
       coalesce(sum(expected_micros) FILTER (WHERE ranked_by IS NOT NULL), 0)::bigint AS expected_micros,
       coalesce(sum(cheapest_expected_micros) FILTER (WHERE ranked_by IS NOT NULL), 0)::bigint AS cheapest_expected_micros,
       coalesce(sum(expected_micros - cheapest_expected_micros) FILTER (WHERE ranked_by IS NOT NULL), 0)::bigint
           AS above_cheapest_expected_micros
FROM settled
GROUP BY user_id, currency
ORDER BY user_id COLLATE "C", currency COLLATE "C"
