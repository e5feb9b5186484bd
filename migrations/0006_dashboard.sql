-- What the dashboard REST API reads: a per-user daily spend rollup kept exact by a trigger on
-- the ledger's transfers, and indexes for the job list and provider health queries.
--
-- Spend is money that reached a provider's payable account: the 'capture' and 'excess'
-- transfers of a settled hold. The trigger runs inside the same transaction as the ledger write
-- (ledger_post's INSERT INTO transfers), so a committed settlement and its rollup row can never
-- disagree, and a rolled-back one leaves neither. The ledger_* functions stay untouched.

CREATE TABLE user_spend_daily (
    user_id text NOT NULL REFERENCES users (id),
    -- UTC calendar date of the transfer's created_at (the settling transaction's start).
    day date NOT NULL,
    -- holds.provider: whose payable account was credited.
    provider text NOT NULL,
    -- jobs.family of the job that owns the hold; 'unknown' when no job row names the hold, or
    -- the job has no family (a record of an exact provider model).
    family text NOT NULL,
    currency text NOT NULL,
    spent_micros bigint NOT NULL DEFAULT 0 CHECK (spent_micros >= 0),
    -- Settled holds counted once, at their 'capture' transfer ('excess' adds money, not a job).
    jobs_count bigint NOT NULL DEFAULT 0 CHECK (jobs_count >= 0),
    PRIMARY KEY (user_id, day, provider, family, currency)
);

-- The job (if any) whose hold a transfer belongs to is found by jobs.hold_id first (index
-- jobs_by_hold, created in 0004), else by the job id the hold was taken for.

CREATE FUNCTION dashboard_spend_family(p_hold_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT j.family FROM jobs j WHERE j.hold_id = p_hold_id ORDER BY j.created_at LIMIT 1),
        (SELECT j.family FROM holds h JOIN jobs j ON j.id = h.job_id WHERE h.id = p_hold_id),
        'unknown')
$$;

CREATE FUNCTION dashboard_rollup_spend() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_spend_daily AS s (user_id, day, provider, family, currency, spent_micros, jobs_count)
    SELECT NEW.user_id, (NEW.created_at AT TIME ZONE 'UTC')::date, h.provider,
           dashboard_spend_family(NEW.hold_id), NEW.currency, NEW.amount_micros,
           CASE WHEN NEW.kind = 'capture' THEN 1 ELSE 0 END
    FROM holds h WHERE h.id = NEW.hold_id
    ON CONFLICT (user_id, day, provider, family, currency) DO UPDATE
    SET spent_micros = s.spent_micros + EXCLUDED.spent_micros,
        jobs_count = s.jobs_count + EXCLUDED.jobs_count;
    RETURN NULL;
END $$;

CREATE TRIGGER transfers_rollup_spend
AFTER INSERT ON transfers
FOR EACH ROW WHEN (NEW.kind IN ('capture', 'excess'))
EXECUTE FUNCTION dashboard_rollup_spend();

-- A database migrated with settlements already in it starts with an exact rollup.
INSERT INTO user_spend_daily (user_id, day, provider, family, currency, spent_micros, jobs_count)
SELECT t.user_id, (t.created_at AT TIME ZONE 'UTC')::date, h.provider, dashboard_spend_family(t.hold_id), t.currency,
       sum(t.amount_micros), count(*) FILTER (WHERE t.kind = 'capture')
FROM transfers t JOIN holds h ON h.id = t.hold_id
WHERE t.kind IN ('capture', 'excess')
GROUP BY 1, 2, 3, 4, 5;

-- GET /v1/jobs without a user filter pages by (created_at DESC, id DESC); /metrics and
-- /v1/providers read a bounded recent window per provider.
CREATE INDEX jobs_by_time ON jobs (created_at, id);
CREATE INDEX jobs_by_provider_time ON jobs (provider, created_at);
