-- House accounts without hot rows.
--
-- A provider's `payable` account took every capture of that provider, for all users and all
-- instances, and `world` took every top-up: one row each, so every settlement with a provider
-- waited on the same row lock (hold + capture ran at a fifth of the single-hold rate). Each house
-- account is now spread over `ledger_house_shards()` rows of one owner, kind and currency, told
-- apart by `shard`; an operation picks its row from its own hold id (captures) or key (top-ups).
-- A house balance is the sum over its shards. Nothing else changes: every invariant sums balances
-- per currency or checks each account against its own journal, so all of them hold exactly as
-- before; user accounts keep one row (shard 0).

ALTER TABLE accounts ADD COLUMN shard smallint NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD CONSTRAINT accounts_shard_range CHECK (shard BETWEEN 0 AND 63);
ALTER TABLE accounts ADD CONSTRAINT accounts_user_accounts_unsharded CHECK (user_id IS NULL OR shard = 0);
ALTER TABLE accounts DROP CONSTRAINT accounts_owner_kind_currency_key;
ALTER TABLE accounts ADD CONSTRAINT accounts_owner_kind_currency_shard_key UNIQUE (owner, kind, currency, shard);

-- How many rows a house account is spread over: enough that the 8-32 settlements a busy
-- instance has in flight rarely meet on one row.
CREATE FUNCTION ledger_house_shards() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 16 $$;

-- The account's id (shard 0: every user account), creating it when it does not exist yet.
CREATE OR REPLACE FUNCTION ledger_account(p_owner text, p_kind text, p_currency text, p_user_id text) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN ledger_account_shard(p_owner, p_kind, p_currency, p_user_id, 0);
END $$;

CREATE FUNCTION ledger_account_shard(p_owner text, p_kind text, p_currency text, p_user_id text, p_shard integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT id INTO v_id FROM accounts WHERE owner = p_owner AND kind = p_kind AND currency = p_currency AND shard = p_shard;
    IF FOUND THEN
        RETURN v_id;
    END IF;
    INSERT INTO accounts (owner, kind, currency, user_id, shard) VALUES (p_owner, p_kind, p_currency, p_user_id, p_shard)
    ON CONFLICT (owner, kind, currency, shard) DO NOTHING
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        SELECT id INTO v_id FROM accounts WHERE owner = p_owner AND kind = p_kind AND currency = p_currency AND shard = p_shard;
    END IF;
    RETURN v_id;
END $$;

-- One row of a house account, chosen by `p_spread` (a hold id, a key's hash).
CREATE FUNCTION ledger_house_account(p_owner text, p_kind text, p_currency text, p_spread bigint) RETURNS bigint
LANGUAGE sql AS $$
    SELECT ledger_account_shard(p_owner, p_kind, p_currency, NULL, (abs(p_spread % ledger_house_shards()))::integer)
$$;

-- As in 0001, with the provider's payable row chosen by the hold id.
CREATE OR REPLACE FUNCTION ledger_settle(p_key text, p_kind text, p_hold_id bigint, p_actual bigint) RETURNS SETOF holds
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
        v_payable := ledger_house_account('provider:' || v_hold.provider, 'payable', v_hold.currency, p_hold_id);
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

-- As in 0001, with the world row chosen by the key.
CREATE OR REPLACE FUNCTION ledger_top_up(p_key text, p_user_id text, p_currency text, p_amount bigint) RETURNS bigint
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
    v_world := ledger_house_account('world', 'world', p_currency, hashtext(p_key));
    v_available := ledger_account('user:' || p_user_id, 'available', p_currency, p_user_id);
    PERFORM ledger_account('user:' || p_user_id, 'held', p_currency, p_user_id);
    PERFORM ledger_lock(ARRAY[v_world, v_available]);
    RETURN ledger_post(p_key, 'top_up', v_world, v_available, p_currency, p_amount, NULL, p_user_id);
END $$;
