-- title: Provider drift
--
-- Per provider and currency, two comparisons:
-- 1. Cost: jobs settled on the day whose provider reported a cost (jobs.provider_cost_micros, in
--    the job's currency): the provider's figure against our computed actual cost.
--    cost_drift = provider_cost - our_actual.
-- 2. Balance: the provider's own balance snapshots (provider_balance_snapshots): the last one
--    before the day and the last one within it. provider_spend = opening - closing balance;
--    charges = our recorded spend with that provider between the two snapshots;
--    balance_drift = provider_spend - charges. Money we paid in to the provider between the
--    snapshots also shows here as drift. Empty when a snapshot is missing.
-- Reconciliation keeps its own findings (reconciliation_findings); this section recomputes the
-- comparison per day from the source tables, so it needs no reconciliation run.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
),
cost AS (
    SELECT j.provider, j.currency,
           count(*) AS jobs_with_provider_cost,
           sum(j.provider_cost_micros) AS provider_cost,
           sum(coalesce(j.actual_micros, h.captured_micros + h.excess_micros)) AS our_actual,
           count(*) FILTER (WHERE j.provider_cost_micros <> coalesce(j.actual_micros, h.captured_micros + h.excess_micros))
               AS jobs_cost_differs
    FROM holds h
    CROSS JOIN day d
    JOIN jobs j ON j.hold_id = h.id
    WHERE h.state = 'captured' AND h.resolved_at >= d.starts AND h.resolved_at < d.ends
      AND j.provider_cost_micros IS NOT NULL
      AND coalesce(j.provider_cost_currency, j.currency) = j.currency
    GROUP BY j.provider, j.currency
),
pairs AS (
    SELECT DISTINCT s.provider, s.currency FROM provider_balance_snapshots s, day d WHERE s.taken_at < d.ends
),
balance AS (
    SELECT p.provider, p.currency,
           o.balance_micros AS opening, o.taken_at AS opening_at,
           c.balance_micros AS closing, c.taken_at AS closing_at
    FROM pairs p
    CROSS JOIN day d
    LEFT JOIN LATERAL (
        SELECT s.balance_micros, s.taken_at FROM provider_balance_snapshots s
        WHERE s.provider = p.provider AND s.currency = p.currency AND s.taken_at < d.starts
        ORDER BY s.taken_at DESC, s.id DESC LIMIT 1
    ) o ON true
    LEFT JOIN LATERAL (
        SELECT s.balance_micros, s.taken_at FROM provider_balance_snapshots s
        WHERE s.provider = p.provider AND s.currency = p.currency AND s.taken_at >= d.starts AND s.taken_at < d.ends
        ORDER BY s.taken_at DESC, s.id DESC LIMIT 1
    ) c ON true
),
charges AS (
    -- Money that reached the provider's payable account (its rows, one per shard) between the
    -- two snapshots: one index-only range scan of the journal per provider.
    SELECT b.provider, b.currency, (
        SELECT coalesce(sum(t.amount_micros), 0)
        FROM transfers t
        WHERE t.kind IN ('capture', 'excess') AND t.currency = b.currency
          AND t.created_at > b.opening_at AND t.created_at <= b.closing_at
          AND t.to_account_id IN (SELECT a.id FROM accounts a
                                  WHERE a.owner = 'provider:' || b.provider AND a.kind = 'payable' AND a.currency = b.currency)
    ) AS charged
    FROM balance b
    WHERE b.opening_at IS NOT NULL AND b.closing_at IS NOT NULL
)
SELECT provider,
       currency,
       coalesce(c.jobs_with_provider_cost, 0)::bigint AS jobs_with_provider_cost,
       coalesce(c.provider_cost, 0)::bigint AS provider_cost_micros,
       coalesce(c.our_actual, 0)::bigint AS our_actual_micros,
       coalesce(c.provider_cost - c.our_actual, 0)::bigint AS cost_drift_micros,
       coalesce(c.jobs_cost_differs, 0)::bigint AS jobs_cost_differs,
       coalesce(to_char(b.opening_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '') AS opening_snapshot_at,
       coalesce(to_char(b.closing_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '') AS closing_snapshot_at,
       (b.opening - b.closing)::bigint AS provider_spend_micros,
       ch.charged::bigint AS charges_micros,
       (b.opening - b.closing - ch.charged)::bigint AS balance_drift_micros
FROM cost c
FULL JOIN balance b USING (provider, currency)
LEFT JOIN charges ch USING (provider, currency)
ORDER BY provider COLLATE "C", currency COLLATE "C"
