-- Many instances, one database.
--
-- The per-provider cap on calls in flight is counted over the leases every live instance holds;
-- this index keeps that count to the few leased rows however many jobs there are.
CREATE INDEX jobs_leased ON jobs (provider) WHERE lease_owner IS NOT NULL;

-- Scheduled reconciliation runs once per period, whichever instance claims the period first.
CREATE TABLE scheduled_reconciliations (
    period_start timestamptz PRIMARY KEY,
    claimed_by text NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now()
);
