-- Money stays held when things fail.
--
-- * `stalled`: a job whose provider stopped giving a usable answer (transport errors, 5xx,
--   401/403, 404, status words we do not know, garbage). Its hold stays; it is polled on a long
--   backoff until the provider speaks again, reconciliation finds evidence, or an operator
--   resolves it. Only a provider's own terminal word fails a job.
-- * Instances heartbeat, so a job leased or dispatched by an instance that died is taken over
--   within the heartbeat bound instead of at its lease expiry (16 minutes for AIGate).
-- * Every resolution that did not come from the provider's own answer (balance evidence, an
--   operator, the long bound) is recorded with who, why and on what evidence.

ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check
    CHECK (status IN ('submitting', 'queued', 'running', 'completed', 'failed', 'cancelled', 'expired', 'unknown', 'stalled'));

-- When the job stalled, and when the current run of failed polls began (a stall is decided on
-- how long the provider has been silent, not on a count of tries).
ALTER TABLE jobs ADD COLUMN stalled_at timestamptz;
ALTER TABLE jobs ADD COLUMN poll_errors_since timestamptz;

DROP INDEX jobs_due;
CREATE INDEX jobs_due ON jobs (provider, next_poll_at) WHERE status IN ('submitting', 'queued', 'running', 'stalled');
CREATE INDEX jobs_held_unresolved ON jobs (provider, status) WHERE status IN ('unknown', 'stalled');

-- One row per running `serve` (or `poll --loop`): the id it writes into jobs.lease_owner.
CREATE TABLE instances (
    id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
    started_at timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    -- Set on a graceful stop: its leftover leases are taken over at once.
    stopped_at timestamptz
);

-- How a held job was resolved when the provider's own answer did not settle it.
--   method   evidence (a matching balance movement), operator (by hand), bound (the long bound
--            released the hold; the provider may have charged)
CREATE TABLE job_resolutions (
    job_id uuid PRIMARY KEY REFERENCES jobs (id),
    method text NOT NULL CHECK (method IN ('evidence', 'operator', 'bound')),
    outcome text NOT NULL CHECK (outcome IN ('completed', 'failed', 'expired')),
    cost_micros bigint CHECK (cost_micros >= 0),
    currency text,
    resolved_by text NOT NULL CHECK (length(resolved_by) BETWEEN 1 AND 200),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    evidence jsonb,
    resolved_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((outcome = 'completed') = (cost_micros IS NOT NULL))
);
CREATE INDEX job_resolutions_by_time ON job_resolutions (resolved_at);

ALTER TABLE reconciliation_findings DROP CONSTRAINT reconciliation_findings_kind_check;
ALTER TABLE reconciliation_findings ADD CONSTRAINT reconciliation_findings_kind_check
    CHECK (kind IN ('balance_drift', 'balance_unavailable', 'cost_mismatch', 'hold_open_too_long', 'unknown_job',
                    'unknown_resolved', 'invariant_violation', 'live_quote_drift', 'stalled_job', 'evidence_settled',
                    'evidence_ambiguous', 'held_bound_released', 'shortfall'));

-- Why a job is held: provider_silent (its polls kept failing), max_age (still running past the
-- provider's maximum), implausible_cost (the provider reported a cost we will not charge
-- without a look), no_provider_job_id. Cleared when the provider answers again.
ALTER TABLE jobs ADD COLUMN stall_reason text;

-- Shortfalls are few; /metrics and reconciliation read them without scanning every hold.
CREATE INDEX holds_with_shortfall ON holds (currency) WHERE shortfall_micros > 0;
