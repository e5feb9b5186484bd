-- The double-entry, two-phase ledger.
--
-- Every change of money is a transfer of a positive amount from one account to another of the
-- same currency, so each transfer balances and, per currency, all balances sum to zero. The
-- `world` account is the outside: top-ups come from it, so its balance is minus all money in.
--
-- Ledger changes happen ONLY through the ledger_* functions below. They keep the invariants
-- (DESIGN.md, Ledger) under concurrency: accounts are locked in id order, holds end exactly
-- once through conditional updates, and every operation carries a caller-supplied key that
-- makes it idempotent. Errors use SQLSTATE class 'VL' so the Swift layer maps them to types:
--   VL001 insufficient funds        VL002 idempotency key reused with another request
--   VL003 hold already resolved     VL004 unknown user
--   VL005 unknown hold              VL006 invalid amount
--   VL007 unknown currency/account

CREATE TABLE users (
    id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}$'),
    -- How far `available` may go below zero through a hold; 0 = prepaid.
    credit_limit_micros bigint NOT NULL DEFAULT 0 CHECK (credit_limit_micros >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
    id bigserial PRIMARY KEY,
    -- 'user:<id>', 'provider:<name>' or 'world'.
    owner text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('available', 'held', 'payable', 'world')),
    currency text NOT NULL CHECK (currency IN ('USD', 'XNO', 'USDC')),
    user_id text REFERENCES users (id),
    balance_micros bigint NOT NULL DEFAULT 0,
    UNIQUE (owner, kind, currency),
    CHECK ((kind IN ('available', 'held')) = (user_id IS NOT NULL)),
    CHECK (user_id IS NULL OR owner = 'user:' || user_id),
    CHECK (kind <> 'held' OR balance_micros >= 0),
    CHECK (kind <> 'world' OR owner = 'world')
);

-- One row per idempotent ledger operation: the key and the request it was first used with.
CREATE TABLE ledger_operations (
    key text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
    kind text NOT NULL CHECK (kind IN ('top_up', 'hold', 'capture', 'release')),
    request text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE holds (
    id bigserial PRIMARY KEY,
    operation_key text NOT NULL UNIQUE REFERENCES ledger_operations (key),
    user_id text NOT NULL REFERENCES users (id),
    currency text NOT NULL,
    amount_micros bigint NOT NULL CHECK (amount_micros > 0),
    -- The provider whose payable account a capture credits.
    provider text NOT NULL CHECK (provider ~ '^[a-z0-9-]{1,64}$'),
    job_id uuid,
    state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'captured', 'released')),
    captured_micros bigint NOT NULL DEFAULT 0 CHECK (captured_micros >= 0),
    released_micros bigint NOT NULL DEFAULT 0 CHECK (released_micros >= 0),
    -- Actual cost above the hold, charged from available.
    excess_micros bigint NOT NULL DEFAULT 0 CHECK (excess_micros >= 0),
    -- The part of the excess that available (plus credit) could not cover: owed, flagged.
    shortfall_micros bigint NOT NULL DEFAULT 0 CHECK (shortfall_micros >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    CHECK ((state = 'open') = (resolved_at IS NULL)),
    CHECK (state <> 'open' OR (captured_micros = 0 AND released_micros = 0 AND excess_micros = 0)),
    CHECK (state = 'open' OR captured_micros + released_micros = amount_micros),
    CHECK (state <> 'released' OR (captured_micros = 0 AND excess_micros = 0)),
    CHECK (shortfall_micros <= excess_micros)
);
CREATE INDEX holds_open_by_user ON holds (user_id, currency) WHERE state = 'open';
CREATE INDEX holds_by_job ON holds (job_id) WHERE job_id IS NOT NULL;

CREATE TABLE transfers (
    id bigserial PRIMARY KEY,
    operation_key text NOT NULL REFERENCES ledger_operations (key),
    kind text NOT NULL CHECK (kind IN ('top_up', 'hold', 'capture', 'release', 'excess')),
    from_account_id bigint NOT NULL REFERENCES accounts (id),
    to_account_id bigint NOT NULL REFERENCES accounts (id),
    currency text NOT NULL,
    amount_micros bigint NOT NULL CHECK (amount_micros > 0),
    hold_id bigint REFERENCES holds (id),
    user_id text NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (from_account_id <> to_account_id),
    CHECK ((kind = 'top_up') = (hold_id IS NULL))
);
CREATE INDEX transfers_by_operation ON transfers (operation_key);
CREATE INDEX transfers_by_hold ON transfers (hold_id) WHERE hold_id IS NOT NULL;
CREATE INDEX transfers_by_user_time ON transfers (user_id, created_at);

-- Raises a ledger error with its VL SQLSTATE.
CREATE FUNCTION ledger_fail(p_code text, p_message text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = p_code, MESSAGE = p_message;
END $$;

-- Claims an operation key. Returns true when the caller should do the work, false when the
-- same request already ran (the caller returns the recorded result). A concurrent first use
-- of the key waits here until that transaction ends (ON CONFLICT waits on the unique index).
CREATE FUNCTION ledger_claim(p_key text, p_kind text, p_request text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_existing ledger_operations;
BEGIN
    IF p_key IS NULL OR length(p_key) NOT BETWEEN 1 AND 200 THEN
        PERFORM ledger_fail('VL002', 'an idempotency key of 1 to 200 characters is required');
    END IF;
    INSERT INTO ledger_operations (key, kind, request) VALUES (p_key, p_kind, p_request)
    ON CONFLICT (key) DO NOTHING;
    IF FOUND THEN
        RETURN true;
    END IF;
    SELECT * INTO v_existing FROM ledger_operations WHERE key = p_key;
    IF v_existing.kind <> p_kind OR v_existing.request <> p_request THEN
        PERFORM ledger_fail('VL002', format('idempotency key %s was used for another request (%s)',
                                            p_key, v_existing.kind));
    END IF;
    RETURN false;
END $$;

CREATE FUNCTION ledger_check_currency(p_currency text) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_currency IS NULL OR p_currency NOT IN ('USD', 'XNO', 'USDC') THEN
        PERFORM ledger_fail('VL007', format('unknown currency %s (accepted: USD, XNO, USDC)', p_currency));
    END IF;
END $$;

CREATE FUNCTION ledger_check_amount(p_amount bigint) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_amount IS NULL OR p_amount <= 0 THEN
        PERFORM ledger_fail('VL006', format('amount must be positive, got %s micro-units', p_amount));
    END IF;
END $$;

-- The account's id, creating the account (balance 0) when it does not exist yet.
CREATE FUNCTION ledger_account(p_owner text, p_kind text, p_currency text, p_user_id text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT id INTO v_id FROM accounts WHERE owner = p_owner AND kind = p_kind AND currency = p_currency;
    IF FOUND THEN
        RETURN v_id;
    END IF;
    INSERT INTO accounts (owner, kind, currency, user_id) VALUES (p_owner, p_kind, p_currency, p_user_id)
    ON CONFLICT (owner, kind, currency) DO NOTHING
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        SELECT id INTO v_id FROM accounts WHERE owner = p_owner AND kind = p_kind AND currency = p_currency;
    END IF;
    RETURN v_id;
END $$;

-- Locks accounts in ascending id order, so two operations on the same accounts never deadlock.
CREATE FUNCTION ledger_lock(p_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    SELECT 1 FROM accounts WHERE id = ANY (p_ids) ORDER BY id FOR NO KEY UPDATE;
$$;

-- Moves an amount between two locked accounts and journals it. The only writer of balances.
CREATE FUNCTION ledger_post(p_key text, p_kind text, p_from bigint, p_to bigint, p_currency text,
                            p_amount bigint, p_hold_id bigint, p_user_id text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    PERFORM ledger_check_amount(p_amount);
    UPDATE accounts SET balance_micros = balance_micros - p_amount WHERE id = p_from AND currency = p_currency;
    IF NOT FOUND THEN
        PERFORM ledger_fail('VL007', format('account %s has no %s balance', p_from, p_currency));
    END IF;
    UPDATE accounts SET balance_micros = balance_micros + p_amount WHERE id = p_to AND currency = p_currency;
    IF NOT FOUND THEN
        PERFORM ledger_fail('VL007', format('account %s has no %s balance', p_to, p_currency));
    END IF;
    INSERT INTO transfers (operation_key, kind, from_account_id, to_account_id, currency, amount_micros, hold_id, user_id)
    VALUES (p_key, p_kind, p_from, p_to, p_currency, p_amount, p_hold_id, p_user_id)
    RETURNING id INTO v_id;
    RETURN v_id;
END $$;

CREATE FUNCTION ledger_require_user(p_user_id text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_limit bigint;
BEGIN
    SELECT credit_limit_micros INTO v_limit FROM users WHERE id = p_user_id;
    IF NOT FOUND THEN
        PERFORM ledger_fail('VL004', format('unknown user %s', p_user_id));
    END IF;
    RETURN v_limit;
END $$;

-- Top-up: world → user available. Returns the transfer id.
CREATE FUNCTION ledger_top_up(p_key text, p_user_id text, p_currency text, p_amount bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_world bigint;
    v_available bigint;
BEGIN
    PERFORM ledger_check_currency(p_currency);
    PERFORM ledger_check_amount(p_amount);
    PERFORM ledger_require_user(p_user_id);
    IF NOT ledger_claim(p_key, 'top_up', concat_ws('|', p_user_id, p_currency, p_amount)) THEN
        RETURN (SELECT id FROM transfers WHERE operation_key = p_key);
    END IF;
    v_world := ledger_account('world', 'world', p_currency, NULL);
    v_available := ledger_account('user:' || p_user_id, 'available', p_currency, p_user_id);
    PERFORM ledger_account('user:' || p_user_id, 'held', p_currency, p_user_id);
    PERFORM ledger_lock(ARRAY[v_world, v_available]);
    RETURN ledger_post(p_key, 'top_up', v_world, v_available, p_currency, p_amount, NULL, p_user_id);
END $$;

-- Hold (precharge): user available → user held, refused when available (plus the user's
-- credit limit) does not cover it. Returns the hold id.
CREATE FUNCTION ledger_hold(p_key text, p_user_id text, p_currency text, p_amount bigint,
                            p_provider text, p_job_id uuid) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_limit bigint;
    v_available bigint;
    v_held bigint;
    v_balance bigint;
    v_hold_id bigint;
BEGIN
    PERFORM ledger_check_currency(p_currency);
    PERFORM ledger_check_amount(p_amount);
    v_limit := ledger_require_user(p_user_id);
    IF NOT ledger_claim(p_key, 'hold', concat_ws('|', p_user_id, p_currency, p_amount, p_provider, p_job_id)) THEN
        RETURN (SELECT id FROM holds WHERE operation_key = p_key);
    END IF;
    v_available := ledger_account('user:' || p_user_id, 'available', p_currency, p_user_id);
    v_held := ledger_account('user:' || p_user_id, 'held', p_currency, p_user_id);
    PERFORM ledger_lock(ARRAY[v_available, v_held]);
    SELECT balance_micros INTO v_balance FROM accounts WHERE id = v_available;
    IF v_balance - p_amount < -v_limit THEN
        PERFORM ledger_fail('VL001', format('insufficient funds: available %s, credit limit %s, hold %s micro-units %s',
                                            v_balance, v_limit, p_amount, p_currency));
    END IF;
    INSERT INTO holds (operation_key, user_id, currency, amount_micros, provider, job_id)
    VALUES (p_key, p_user_id, p_currency, p_amount, p_provider, p_job_id)
    RETURNING id INTO v_hold_id;
    PERFORM ledger_post(p_key, 'hold', v_available, v_held, p_currency, p_amount, v_hold_id, p_user_id);
    RETURN v_hold_id;
END $$;

-- Ends an open hold: captures `p_actual` (0 = release whole) for the hold's provider.
-- Up to the hold amount comes from held; the rest of the hold goes back to available; actual
-- above the hold is charged from available, and what available plus credit cannot cover is
-- recorded as the hold's shortfall. Returns the hold row as it ends.
CREATE FUNCTION ledger_settle(p_key text, p_kind text, p_hold_id bigint, p_actual bigint) RETURNS SETOF holds
LANGUAGE plpgsql AS $$
DECLARE
    v_hold holds;
    v_limit bigint;
    v_available bigint;
    v_held bigint;
    v_payable bigint;
    v_balance bigint;
    v_captured bigint;
    v_excess bigint;
    v_shortfall bigint := 0;
BEGIN
    IF p_actual IS NULL OR p_actual < 0 THEN
        PERFORM ledger_fail('VL006', format('actual cost must not be negative, got %s micro-units', p_actual));
    END IF;
    IF NOT ledger_claim(p_key, p_kind, concat_ws('|', p_hold_id, p_actual)) THEN
        RETURN QUERY SELECT * FROM holds WHERE id = p_hold_id;
        RETURN;
    END IF;
    SELECT * INTO v_hold FROM holds WHERE id = p_hold_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM ledger_fail('VL005', format('unknown hold %s', p_hold_id));
    END IF;
    IF v_hold.state <> 'open' THEN
        PERFORM ledger_fail('VL003', format('hold %s is already %s', p_hold_id, v_hold.state));
    END IF;
    v_limit := ledger_require_user(v_hold.user_id);
    v_available := ledger_account('user:' || v_hold.user_id, 'available', v_hold.currency, v_hold.user_id);
    v_held := ledger_account('user:' || v_hold.user_id, 'held', v_hold.currency, v_hold.user_id);
    v_captured := least(p_actual, v_hold.amount_micros);
    v_excess := p_actual - v_captured;
    IF p_actual > 0 THEN
        v_payable := ledger_account('provider:' || v_hold.provider, 'payable', v_hold.currency, NULL);
        PERFORM ledger_lock(ARRAY[v_available, v_held, v_payable]);
    ELSE
        PERFORM ledger_lock(ARRAY[v_available, v_held]);
    END IF;
    IF v_captured > 0 THEN
        PERFORM ledger_post(p_key, 'capture', v_held, v_payable, v_hold.currency, v_captured, p_hold_id, v_hold.user_id);
    END IF;
    IF v_hold.amount_micros - v_captured > 0 THEN
        PERFORM ledger_post(p_key, 'release', v_held, v_available, v_hold.currency,
                            v_hold.amount_micros - v_captured, p_hold_id, v_hold.user_id);
    END IF;
    IF v_excess > 0 THEN
        SELECT balance_micros INTO v_balance FROM accounts WHERE id = v_available;
        v_shortfall := least(v_excess, greatest(0, v_excess - (v_balance + v_limit)));
        PERFORM ledger_post(p_key, 'excess', v_available, v_payable, v_hold.currency, v_excess, p_hold_id, v_hold.user_id);
    END IF;
    RETURN QUERY
    UPDATE holds
    SET state = CASE WHEN p_actual = 0 THEN 'released' ELSE 'captured' END,
        captured_micros = v_captured,
        released_micros = amount_micros - v_captured,
        excess_micros = v_excess,
        shortfall_micros = v_shortfall,
        resolved_at = now()
    WHERE id = p_hold_id AND state = 'open'
    RETURNING *;
END $$;

CREATE FUNCTION ledger_capture(p_key text, p_hold_id bigint, p_actual bigint) RETURNS SETOF holds
LANGUAGE sql AS $$ SELECT * FROM ledger_settle(p_key, 'capture', p_hold_id, p_actual) $$;

CREATE FUNCTION ledger_release(p_key text, p_hold_id bigint) RETURNS SETOF holds
LANGUAGE sql AS $$ SELECT * FROM ledger_settle(p_key, 'release', p_hold_id, 0) $$;

-- Many holds in one statement (and so one commit): each runs in its own subtransaction, so one
-- refused hold does not undo the others. Group commit for throughput; each caller still hears
-- success only after the shared commit is durable.
CREATE FUNCTION ledger_hold_batch(p_keys text[], p_user_ids text[], p_currencies text[], p_amounts bigint[],
                                  p_providers text[], p_job_ids uuid[])
RETURNS TABLE (ordinal integer, hold_id bigint, error_code text, error_message text)
LANGUAGE plpgsql AS $$
DECLARE
    i integer;
BEGIN
    -- Users in a fixed order: every batch then locks accounts in the same global order, so
    -- concurrent batches never deadlock each other.
    FOR i IN SELECT o FROM generate_subscripts(p_keys, 1) AS o ORDER BY p_user_ids[o], o LOOP
        ordinal := i;
        BEGIN
            hold_id := ledger_hold(p_keys[i], p_user_ids[i], p_currencies[i], p_amounts[i], p_providers[i], p_job_ids[i]);
            error_code := NULL;
            error_message := NULL;
        EXCEPTION WHEN OTHERS THEN
            hold_id := NULL;
            GET STACKED DIAGNOSTICS error_code = RETURNED_SQLSTATE, error_message = MESSAGE_TEXT;
        END;
        RETURN NEXT;
    END LOOP;
END $$;
