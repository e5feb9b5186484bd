-- Control totals for the spend report, straight from the ledger with no join to jobs (see
-- reports/nightly/control_totals.sql). Columns: section, column_name, currency, total_micros.
--
-- $1 = user id, $2 = first day, $3 = last day (dates, UTC, inclusive).
WITH range AS NOT MATERIALIZED (
    SELECT ($2::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($3::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
),
spend AS (
    SELECT t.currency, sum(t.amount_micros) AS spend
    FROM transfers t, range r
    WHERE t.user_id = $1::text AND t.kind IN ('capture', 'excess') AND t.created_at >= r.starts AND t.created_at < r.ends
    GROUP BY t.currency
),
held AS (
    SELECT h.currency, sum(h.amount_micros) AS held
    FROM holds h, range r
    WHERE h.user_id = $1::text AND h.created_at < r.ends AND (h.state = 'open' OR h.resolved_at >= r.ends)
    GROUP BY h.currency
)
SELECT v.section, v.column_name, s.currency, v.total::bigint AS total_micros
FROM spend s
CROSS JOIN LATERAL (VALUES
    ('spend_by_day', 'spend_micros', s.spend),
    ('spend_by_provider', 'spend_micros', s.spend)
) AS v (section, column_name, total)
UNION ALL
SELECT 'holds_outstanding', 'held_micros', h.currency, h.held::bigint
FROM held h
