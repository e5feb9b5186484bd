-- title: Live quotes against the price book
--
-- Jobs submitted on the day with a live quote (serve --live-quotes: the provider's own price
-- for the job, asked at submit; Venice POST /video/quote), by provider and model: the catalog
-- quote against the live one. drift = live - catalog (positive: the provider asks more than the
-- price book says, so our holds and charges are low). drift_pct = drift / catalog in percent,
-- exact numeric, as text. Reconciliation records the same comparison as live_quote_drift
-- findings.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
)
SELECT j.provider,
       j.provider_model AS model,
       j.currency,
       count(*) AS jobs_live_quoted,
       count(*) FILTER (WHERE j.live_quote_micros <> j.quoted_micros) AS jobs_priced_differently,
       sum(j.quoted_micros)::bigint AS catalog_micros,
       sum(j.live_quote_micros)::bigint AS live_micros,
       sum(j.live_quote_micros - j.quoted_micros)::bigint AS drift_micros,
       coalesce(round(100 * sum(j.live_quote_micros - j.quoted_micros)::numeric / nullif(sum(j.quoted_micros), 0), 2)::text, '')
           AS drift_pct
FROM jobs j
CROSS JOIN day d
WHERE j.created_at >= d.starts AND j.created_at < d.ends AND j.live_quote_micros IS NOT NULL
GROUP BY j.provider, j.provider_model, j.currency
ORDER BY j.provider COLLATE "C", j.provider_model COLLATE "C", j.currency COLLATE "C"
