-- title: Quote accuracy by provider and family
--
-- Jobs settled on the day (their hold captured on the day): the quoted cost against the actual
-- cost. error = actual - quoted (positive: the quote was low). mean_abs_error_pct is the sum of
-- |error| over the sum of quoted, in percent, computed in exact numeric arithmetic.
--
-- jobs_on_conflicting_price: jobs quoted on a rate the price books flag as uncertain (`conflict`:
-- published sources disagree, or only a "from" price is published), and conflicting_price_error
-- their share of the error: quote error they explain is not a pricing bug. Jobs from before
-- the flag was kept (migration 0022) count as not flagged.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
),
settled AS (
    SELECT j.provider, j.family, j.currency, j.quoted_micros, j.quote_conflict,
           coalesce(j.actual_micros, h.captured_micros + h.excess_micros) AS actual_micros
    FROM holds h
    CROSS JOIN day d
    JOIN jobs j ON j.hold_id = h.id
    WHERE h.state = 'captured' AND h.resolved_at >= d.starts AND h.resolved_at < d.ends
)
SELECT provider,
       family,
       currency,
       count(*) AS jobs,
       sum(quoted_micros)::bigint AS quoted_micros,
       sum(actual_micros)::bigint AS actual_micros,
       sum(actual_micros - quoted_micros)::bigint AS error_micros,
       sum(abs(actual_micros - quoted_micros))::bigint AS abs_error_micros,
       count(*) FILTER (WHERE actual_micros = quoted_micros) AS jobs_exact,
       count(*) FILTER (WHERE actual_micros > quoted_micros) AS jobs_over_quote,
       count(*) FILTER (WHERE actual_micros < quoted_micros) AS jobs_under_quote,
       count(*) FILTER (WHERE quote_conflict) AS jobs_on_conflicting_price,
       coalesce(sum(actual_micros - quoted_micros) FILTER (WHERE quote_conflict), 0)::bigint AS conflicting_price_error_micros,
       coalesce(round(100 * sum(abs(actual_micros - quoted_micros))::numeric / nullif(sum(quoted_micros), 0), 2)::text, '')
           AS mean_abs_error_pct
FROM settled
GROUP BY provider, family, currency
ORDER BY provider COLLATE "C", family COLLATE "C" NULLS LAST, currency COLLATE "C"
