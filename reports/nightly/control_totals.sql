-- Control totals: the same money summed straight from the ledger's journal (transfers), with no
-- join to jobs and not from the spend rollup the sections read, so a rollup that ever drifted
-- from the journal fails the run. After streaming the sections the report compares each total
-- below with the sum of that section's column, per currency, to the micro-unit; any difference
-- fails the run (nothing is published). The month's spend is read from the journal's month
-- table alone, through an index that carries the amounts (migration 0015).
-- Columns: section, column_name (as in the section's SQL), currency, total_micros.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends,
           date_trunc('month', ($1::date)::timestamp) AT TIME ZONE 'UTC' AS month_starts
),
spend AS (
    SELECT t.currency,
           coalesce(sum(t.amount_micros) FILTER (WHERE t.created_at >= d.starts), 0) AS day_spend,
           sum(t.amount_micros) AS mtd_spend
    FROM transfers t, day d
    WHERE t.kind IN ('capture', 'excess') AND t.created_at >= d.month_starts AND t.created_at < d.ends
    GROUP BY t.currency
),
held AS (
    SELECT h.currency, sum(h.amount_micros) AS held
    FROM holds h, day d
    WHERE h.created_at < d.ends AND (h.state = 'open' OR h.resolved_at >= d.ends)
    GROUP BY h.currency
)
SELECT v.section, v.column_name, s.currency, v.total::bigint AS total_micros
FROM spend s
CROSS JOIN LATERAL (VALUES
    ('user_summary', 'day_spend_micros', s.day_spend),
    ('user_summary', 'mtd_spend_micros', s.mtd_spend),
    ('user_spend', 'day_spend_micros', s.day_spend),
    ('user_spend', 'mtd_spend_micros', s.mtd_spend),
    ('spend_by_provider', 'day_spend_micros', s.day_spend),
    ('spend_by_provider', 'mtd_spend_micros', s.mtd_spend),
    ('daily_spend_by_provider', 'spend_micros', s.mtd_spend)
) AS v (section, column_name, total)
UNION ALL
SELECT v.section, v.column_name, h.currency, v.total::bigint
FROM held h
CROSS JOIN LATERAL (VALUES
    ('user_summary', 'open_held_micros', h.held),
    ('holds_outstanding', 'held_micros', h.held)
) AS v (section, column_name, total)
