-- Ledger functions planned once per connection instead of once per call.
--
-- PostgreSQL plans the body of a `LANGUAGE sql` function that it cannot inline anew on every
-- call, while a PL/pgSQL function keeps the plans of its statements for the life of the
-- connection. Measured with the jobs benchmark (pg_stat_statements and track_functions), the
-- spend rollup's family lookup (`dashboard_spend_family`, two subqueries and a join, re-planned
-- for every capture) took about 0.5 ms a call, as long as the capture's own journal rows. These
-- are the same statements in PL/pgSQL: every result, lock and order is as before.

-- The rollup's family lookup (as in 0006): the job that names the hold, else the job the hold
-- was taken for, else 'unknown'.
CREATE OR REPLACE FUNCTION dashboard_spend_family(p_hold_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_family text;
BEGIN
    SELECT j.family INTO v_family FROM jobs j WHERE j.hold_id = p_hold_id ORDER BY j.created_at LIMIT 1;
    IF NOT FOUND THEN
        SELECT j.family INTO v_family FROM holds h JOIN jobs j ON j.id = h.job_id WHERE h.id = p_hold_id;
    END IF;
    RETURN coalesce(v_family, 'unknown');
END $$;

-- As in 0001: locks accounts in ascending id order, so two operations on the same accounts
-- never deadlock.
CREATE OR REPLACE FUNCTION ledger_lock(p_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM accounts WHERE id = ANY (p_ids) ORDER BY id FOR NO KEY UPDATE;
END $$;

-- As in 0012: one row of a house account, chosen by `p_spread` (a hold id, a key's hash).
CREATE OR REPLACE FUNCTION ledger_house_account(p_owner text, p_kind text, p_currency text, p_spread bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RETURN ledger_account_shard(p_owner, p_kind, p_currency, NULL, (abs(p_spread % ledger_house_shards()))::integer);
END $$;

-- `ledger_capture` and `ledger_release` stay `LANGUAGE sql`. Their one statement,
-- `SELECT * FROM ledger_settle(...)`, is cheap to plan, and a cached plan of it would keep the
-- column list of `holds` it was planned with: a column added by a later migration would then
-- break every capture of a connection that was open across that migration (a rolling deploy).
