-- The job lifecycle's own records: what we believe each provider charged us, and the findings of
-- each reconciliation run. Money changes for users still happen only through the ledger_*
-- functions (0001); these tables record the provider side so reconciliation can compare it with
-- the balances the providers report.

-- What we believe a provider took from (positive) or gave back to (negative) our balance with
-- it, per job and event, in the currency the provider charged. Written in the same transaction
-- as the job state change that learned it; one row per (job, kind), so a replayed settlement
-- cannot record a charge twice.
--   precharge   taken at submit (NanoGPT's reported cost; Venice/AIMO reserve the quoted price)
--   adjustment  final cost minus precharge, when the job completed at a precharging provider
--   charge      charged at completion by a provider that does not precharge (gateway, AIGate)
--   refund      the precharge given back after a failure the provider refunded
CREATE TABLE provider_charges (
    id bigserial PRIMARY KEY,
    job_id uuid NOT NULL REFERENCES jobs (id),
    provider text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('precharge', 'adjustment', 'charge', 'refund')),
    currency text NOT NULL CHECK (currency IN ('USD', 'XNO', 'USDC')),
    amount_micros bigint NOT NULL,
    -- Where the figure came from: provider_reported, price_book, quote, balance_diff.
    source text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, kind)
);
CREATE INDEX provider_charges_by_time ON provider_charges (provider, currency, recorded_at);

-- One reconciliation run over a period.
CREATE TABLE reconciliations (
    id uuid PRIMARY KEY,
    period_from timestamptz NOT NULL,
    period_to timestamptz NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    findings_count integer NOT NULL DEFAULT 0,
    -- Who ran it: 'cli', 'schedule', 'api'.
    trigger text NOT NULL,
    CHECK (period_from <= period_to)
);
CREATE INDEX reconciliations_by_time ON reconciliations (started_at);

-- What a run found. `kind` says which check; amounts are micro-units of `currency`.
--   balance_drift       a provider's balance moved by other than our recorded charges
--   balance_unavailable the provider reported too few balances in the period to compare
--   cost_mismatch       a job whose provider-reported cost differs from our computed cost
--   hold_open_too_long  an open hold older than the limit
--   unknown_job         a job whose submission outcome is unknown
--   unknown_resolved    an unknown job past the bound: its hold was released in this run
--   invariant_violation a ledger invariant (DESIGN.md) does not hold
CREATE TABLE reconciliation_findings (
    id bigserial PRIMARY KEY,
    reconciliation_id uuid NOT NULL REFERENCES reconciliations (id),
    kind text NOT NULL CHECK (kind IN ('balance_drift', 'balance_unavailable', 'cost_mismatch', 'hold_open_too_long',
                                       'unknown_job', 'unknown_resolved', 'invariant_violation')),
    severity text NOT NULL CHECK (severity IN ('info', 'warning', 'error')),
    provider text,
    job_id uuid,
    currency text,
    expected_micros bigint,
    observed_micros bigint,
    difference_micros bigint,
    detail text NOT NULL
);
CREATE INDEX reconciliation_findings_by_run ON reconciliation_findings (reconciliation_id, id);
