-- Who made each write, and the answers idempotent REST requests gave.
--
-- Actors: every write made over REST records the name of the bearer token that made it (the
-- token's name, never its value). Ledger rows get it without any change to the ledger_*
-- functions: the caller sets the transaction-local setting `videoledger.actor` (set_config(...,
-- true)) in the transaction that calls them, and the columns below default to it. Writes made
-- by the service itself (settlement by the poller, reconciliation's releases) and by the CLI
-- leave it NULL.

CREATE FUNCTION videoledger_actor() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('videoledger.actor', true), '') $$;

ALTER TABLE ledger_operations ADD COLUMN created_by text DEFAULT videoledger_actor();
ALTER TABLE transfers ADD COLUMN created_by text DEFAULT videoledger_actor();
ALTER TABLE users ADD COLUMN created_by text DEFAULT videoledger_actor();
ALTER TABLE jobs ADD COLUMN created_by text DEFAULT videoledger_actor();
ALTER TABLE jobs ADD COLUMN cancelled_by text;
ALTER TABLE reconciliations ADD COLUMN created_by text DEFAULT videoledger_actor();
ALTER TABLE api_tokens ADD COLUMN created_by text;

-- The first answer of each idempotent REST request (Idempotency-Key), so a replay answers
-- exactly what the first one did, status and body, on every idempotent route. A row is
-- claimed (status NULL) before the work starts and answered after; a request that finds a
-- claim still running is told so (409) rather than doing the work twice. `scope` is what a
-- key is unique within: the user for credits and jobs, '' for reconciliations.
CREATE TABLE api_idempotency (
    route text NOT NULL CHECK (route IN ('credits', 'jobs', 'reconciliations')),
    scope text NOT NULL CHECK (length(scope) <= 200),
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    -- SHA-256 (hex) of the request's canonical form: the same key with another request is a conflict.
    request_sha256 text NOT NULL CHECK (request_sha256 ~ '^[0-9a-f]{64}$'),
    created_by text,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    status integer CHECK (status BETWEEN 200 AND 599),
    body text,
    answered_at timestamptz,
    PRIMARY KEY (route, scope, key),
    CHECK ((status IS NULL) = (body IS NULL) AND (status IS NULL) = (answered_at IS NULL))
);
