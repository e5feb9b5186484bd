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

-- One video-generation job: what was asked, what it was priced at, the hold on the user's money,
-- what the provider said, and what was finally charged. Money is integer micro-units.
CREATE TABLE jobs (
    id uuid PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id),
    -- Idempotency-Key of the request that created the job, and a SHA-256 of that request's body.
    idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_fingerprint text,
    origin text NOT NULL CHECK (origin IN ('submit', 'record')),
    provider text NOT NULL,
    provider_model text NOT NULL,
    -- A provider tier of the model (AIGate quality), part of the price-book key.
    quality text,
    family text,
    provider_job_id text,
    mode text NOT NULL DEFAULT 't2v',
    -- The clip length sent to the provider, after snapping to what it accepts.
    duration_seconds integer NOT NULL CHECK (duration_seconds > 0),
    resolution text,
    aspect_ratio text,
    audio boolean NOT NULL DEFAULT false,
    variants integer NOT NULL DEFAULT 1 CHECK (variants BETWEEN 1 AND 16),
    -- Kept until the provider has the job: a job dispatched later (AIGate) is sent from the row.
    prompt text,
    image_url text,
    quote_id uuid REFERENCES quotes (id),
    price_book_version text NOT NULL,
    -- The day whose prices the quote used; settlement prices billed seconds on the same day.
    priced_on date,
    currency text NOT NULL DEFAULT 'USD',
    quoted_micros bigint NOT NULL CHECK (quoted_micros >= 0),
    quoted_billed_seconds integer CHECK (quoted_billed_seconds > 0),
    hold_id bigint REFERENCES holds (id),
    payment_source text,
    provider_precharge_micros bigint,
    provider_precharge_currency text,
    provider_cost_micros bigint,
    provider_cost_currency text,
    provider_balance_micros bigint,
    provider_balance_currency text,
    billed_seconds integer CHECK (billed_seconds > 0),
    -- The price-book rule applied to the billed seconds.
    computed_micros bigint CHECK (computed_micros >= 0),
    -- What the user was charged: the provider's final cost when it reports one, else computed.
    actual_micros bigint CHECK (actual_micros >= 0),
    -- actual − quoted: how far the quote was off.
    quote_error_micros bigint,
    status text NOT NULL CHECK (status IN ('submitting', 'queued', 'running', 'completed', 'failed',
                                           'cancelled', 'expired', 'unknown')),
    -- A stable machine-readable reason (provider_rejected, content_policy, max_age, ...).
    failure_code text,
    failure_reason text,
    refunded boolean NOT NULL DEFAULT false,
    result_urls jsonb NOT NULL DEFAULT '[]',
    provider_download_url text,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- When the provider call went out (or was about to): from then on the job is never sent again.
    dispatched_at timestamptz,
    submitted_at timestamptz,
    queued_at timestamptz,
    running_at timestamptz,
    unknown_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Poll bookkeeping: when to poll next, how often it was tried, and who holds the lease.
    next_poll_at timestamptz,
    poll_attempts integer NOT NULL DEFAULT 0,
    poll_errors_consecutive integer NOT NULL DEFAULT 0,
    last_error text,
    lease_owner text,
    lease_expires_at timestamptz,
    UNIQUE (user_id, idempotency_key),
    UNIQUE (provider, provider_job_id),
    CHECK ((status IN ('completed', 'failed', 'cancelled', 'expired')) = (finished_at IS NOT NULL)),
    CHECK (status <> 'completed' OR actual_micros IS NOT NULL)
);
-- The poller's lease query: due jobs of one provider, oldest due first.
CREATE INDEX jobs_due ON jobs (provider, next_poll_at) WHERE status IN ('submitting', 'queued', 'running');
CREATE INDEX jobs_by_user_time ON jobs (user_id, created_at, id);
CREATE INDEX jobs_by_status ON jobs (status, created_at);
CREATE INDEX jobs_by_provider_finished ON jobs (provider, finished_at) WHERE finished_at IS NOT NULL;

-- What a provider said its balance was, and when: reconciliation compares balance changes with
-- the charges recorded in between.
CREATE TABLE provider_balance_snapshots (
    id bigserial PRIMARY KEY,
    provider text NOT NULL,
    currency text NOT NULL,
    balance_micros bigint NOT NULL,
    -- 'available': what is left to spend; 'spent_to_date': a provider's running spend counter
    -- (AIGate token.used), which grows where a balance shrinks.
    measure text NOT NULL DEFAULT 'available' CHECK (measure IN ('available', 'spent_to_date')),
    source text NOT NULL,
    job_id uuid REFERENCES jobs (id),
    taken_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provider_balance_snapshots_by_time ON provider_balance_snapshots (provider, currency, measure, taken_at);
