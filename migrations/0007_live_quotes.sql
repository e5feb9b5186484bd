-- Live quotes (Venice `POST /video/quote`), off by default: when enabled, a submit asks the
-- provider its current price for the job before writing it and keeps the answer beside the
-- catalog quote. The hold still uses the catalog quote (the price book is what settlement
-- prices billed seconds on); the live figure is evidence that the book has drifted.
--
-- live_quote_micros: the provider's own price for the job when it was submitted (a cached
-- answer is at most the cache's TTL old), in the job's currency; NULL when live quotes are off,
-- the provider has no quote endpoint, or the quote call failed (the submit goes on without it).
ALTER TABLE jobs ADD COLUMN live_quote_micros bigint CHECK (live_quote_micros >= 0);

-- Reconciliation reports catalog prices the live quotes disagree with, per provider model.
ALTER TABLE reconciliation_findings DROP CONSTRAINT reconciliation_findings_kind_check;
ALTER TABLE reconciliation_findings ADD CONSTRAINT reconciliation_findings_kind_check
    CHECK (kind IN ('balance_drift', 'balance_unavailable', 'cost_mismatch', 'hold_open_too_long', 'unknown_job',
                    'unknown_resolved', 'invariant_violation', 'live_quote_drift'));
