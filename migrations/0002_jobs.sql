-- Quotes, jobs and provider balance snapshots. Every per-user row carries user_id so the schema
-- can later be distributed by user.

-- A priced offer handed to a caller; a job records the quote it was submitted on.
CREATE TABLE quotes (
    id uuid PRIMARY KEY,
    user_id text REFERENCES users (id),
    provider text NOT NULL,
    provider_model text NOT NULL,
    family text,
    mode text NOT NULL,
    duration_seconds integer NOT NULL CHECK (duration_seconds > 0),
    billed_seconds integer NOT NULL CHECK (billed_seconds > 0),
    resolution text,
    audio boolean NOT NULL DEFAULT false,
    variants integer NOT NULL DEFAULT 1 CHECK (variants BETWEEN 1 AND 16),
    cost_micros bigint NOT NULL CHECK (cost_micros >= 0),
    currency text NOT NULL DEFAULT 'USD',
    price_book_version text NOT NULL,
    -- Cheapest offer for the same spec when this quote was made: savings are measured against it.
    cheapest_cost_micros bigint,
    live_quote_micros bigint,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE jobs (
    id uuid PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id),
    -- Idempotency-Key of the request that created the job, and a hash of that request's body.
    idempotency_key text,
    request_fingerprint text,
    origin text NOT NULL CHECK (origin IN ('submit', 'record')),
    provider text NOT NULL,
    provider_model text NOT NULL,
    family text,
    provider_job_id text,
    mode text NOT NULL DEFAULT 't2v',
    duration_seconds integer NOT NULL CHECK (duration_seconds > 0),
    resolution text,
    aspect_ratio text,
    audio boolean NOT NULL DEFAULT false,
    variants integer NOT NULL DEFAULT 1 CHECK (variants BETWEEN 1 AND 16),
    quote_id uuid REFERENCES quotes (id),
    price_book_version text NOT NULL,
    currency text NOT NULL DEFAULT 'USD',
    quoted_micros bigint NOT NULL CHECK (quoted_micros >= 0),
    hold_id bigint REFERENCES holds (id),
    payment_source text,
    provider_precharge_micros bigint,
    provider_cost_micros bigint,
    provider_cost_currency text,
    provider_balance_micros bigint,
    billed_seconds integer CHECK (billed_seconds > 0),
    actual_micros bigint CHECK (actual_micros >= 0),
    -- actual − quoted: how far the quote was off.
    quote_error_micros bigint,
    status text NOT NULL CHECK (status IN ('submitting', 'queued', 'running', 'completed', 'failed',
                                           'cancelled', 'expired', 'unknown')),
    failure_reason text,
    refunded boolean NOT NULL DEFAULT false,
    result_urls jsonb NOT NULL DEFAULT '[]',
    provider_download_url text,
    created_at timestamptz NOT NULL DEFAULT now(),
    submitted_at timestamptz,
    queued_at timestamptz,
    running_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Poll bookkeeping: when to poll next, how often it was tried, and who holds the lease.
    next_poll_at timestamptz,
    poll_attempts integer NOT NULL DEFAULT 0,
    last_error text,
    lease_owner text,
    lease_expires_at timestamptz,
    UNIQUE (user_id, idempotency_key),
    UNIQUE (provider, provider_job_id),
    CHECK ((status IN ('completed', 'failed', 'cancelled', 'expired')) = (finished_at IS NOT NULL))
);
CREATE INDEX jobs_due ON jobs (next_poll_at) WHERE status IN ('submitting', 'queued', 'running', 'unknown');
CREATE INDEX jobs_by_user_time ON jobs (user_id, created_at, id);
CREATE INDEX jobs_by_status ON jobs (status, created_at);

-- What a provider said its balance was, and when: reconciliation compares balance changes with
-- the charges recorded in between.
CREATE TABLE provider_balance_snapshots (
    id bigserial PRIMARY KEY,
    provider text NOT NULL,
    currency text NOT NULL,
    balance_micros bigint NOT NULL,
    source text NOT NULL,
    job_id uuid REFERENCES jobs (id),
    taken_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provider_balance_snapshots_by_time ON provider_balance_snapshots (provider, currency, taken_at);
