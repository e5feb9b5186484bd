-- The ledger's journal (`transfers`) partitioned by UTC calendar month of `created_at`.
--
-- Transfers only grow: every job adds two to four of them, and nothing ever updates one. One
-- table per month lets a query of a day or a month read only that month's table and indexes
-- (partition pruning), and lets a finished month be detached and archived to a file
-- (`videoledger archive`) without touching the live months. What an archived month moved per
-- account stays in the database (`ledger_archived_journal`), so every balance still equals its
-- journal exactly: live transfers plus archived sums.
--
-- `jobs` stays one table on purpose: its rows change while a job lives, three rules that keep
-- money safe must hold across all of it (one job per idempotency key, per provider job id and
-- per hold), and its hot lookups are by id. A partitioned table can only enforce uniqueness
-- within one month, and every lookup by id would probe every month. docs/ledger.md explains.

-- 1. The new parent, with the columns of the old table in the same order.
ALTER TABLE transfers RENAME TO transfers_unpartitioned;
ALTER SEQUENCE transfers_id_seq OWNED BY NONE;

CREATE TABLE transfers (
    id bigint NOT NULL DEFAULT nextval('transfers_id_seq'),
    operation_key text NOT NULL,
    kind text NOT NULL CONSTRAINT transfers_kind_check CHECK (kind IN ('top_up', 'hold', 'capture', 'release', 'excess')),
    from_account_id bigint NOT NULL,
    to_account_id bigint NOT NULL,
    currency text NOT NULL,
    amount_micros bigint NOT NULL CONSTRAINT transfers_amount_micros_check CHECK (amount_micros > 0),
    hold_id bigint,
    user_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text DEFAULT videoledger_actor(),
    CONSTRAINT transfers_check CHECK (from_account_id <> to_account_id),
    CONSTRAINT transfers_check1 CHECK ((kind = 'top_up') = (hold_id IS NULL))
) PARTITION BY RANGE (created_at);

-- Catches a row whose month has no table yet, so a write never fails for want of a partition;
-- `ledger_ensure_transfer_months` moves such rows into their month when it creates it.
CREATE TABLE transfers_default PARTITION OF transfers DEFAULT;

-- 2. Archived months: what each moved per account, so balances still equal their journals.
CREATE TABLE ledger_archived_months (
    month date PRIMARY KEY CHECK (month = date_trunc('month', month)::date),
    -- The detached table, kept until its file is written and checked.
    partition_name text NOT NULL UNIQUE,
    -- 'detached': out of the journal, its sums recorded, the table still in the database;
    -- 'archived': written to `file_path`, checked, and the table dropped.
    state text NOT NULL CHECK (state IN ('detached', 'archived')),
    transfers bigint NOT NULL CHECK (transfers >= 0),
    file_path text,
    file_bytes bigint,
    file_sha256 text,
    detached_at timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz,
    created_by text DEFAULT videoledger_actor(),
    CHECK ((state = 'archived') = (archived_at IS NOT NULL AND file_path IS NOT NULL AND file_sha256 IS NOT NULL))
);

CREATE TABLE ledger_archived_journal (
    month date NOT NULL REFERENCES ledger_archived_months (month) ON DELETE CASCADE,
    account_id bigint NOT NULL REFERENCES accounts (id),
    -- Money in minus money out of the account in that month's transfers.
    net_micros bigint NOT NULL,
    transfers bigint NOT NULL CHECK (transfers > 0),
    PRIMARY KEY (month, account_id)
);

-- Attaching or detaching a month changes the journal's foreign keys and partition bounds, which
-- needs table locks that conflict with ledger writes. Taken here first, in the order every ledger
-- write first takes its tables (an operation's key, then accounts, holds, the journal), so a
-- change waits for the writes in flight instead of deadlocking with them; and it gives up after
-- 3 s (the caller retries) rather than hold writes back behind a long query.
CREATE FUNCTION ledger_lock_for_partition_change() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('lock_timeout', '3000', true);
    LOCK TABLE users, ledger_operations, accounts, holds, transfers IN SHARE ROW EXCLUSIVE MODE;
END $$;

-- 3. Month tables. A month's table is created standalone, given the rows the default partition
-- caught for it, then attached: so creating a month that already has rows never fails.
CREATE FUNCTION ledger_transfer_month_table(p_month date) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'transfers_' || to_char(p_month, 'YYYY_MM') $$;

-- Creates the month tables from p_from's month through p_through's, skipping archived months;
-- returns how many it created. One caller at a time (a transaction-scoped advisory lock).
CREATE FUNCTION ledger_ensure_transfer_months(p_from date, p_through date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_month date := date_trunc('month', p_from)::date;
    v_table text;
    v_starts timestamptz;
    v_ends timestamptz;
    v_created integer := 0;
BEGIN
    IF p_through < p_from OR p_through - p_from > 3660 THEN
        PERFORM ledger_fail('VL008', format('month range %s to %s is not 0-10 years', p_from, p_through));
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('videoledger:transfer-months'));
    WHILE v_month <= p_through LOOP
        v_table := ledger_transfer_month_table(v_month);
        IF to_regclass(v_table) IS NULL AND NOT EXISTS (SELECT 1 FROM ledger_archived_months WHERE month = v_month) THEN
            v_starts := v_month::timestamp AT TIME ZONE 'UTC';
            v_ends := (v_month + interval '1 month')::timestamp AT TIME ZONE 'UTC';
            PERFORM ledger_lock_for_partition_change();
            EXECUTE format('CREATE TABLE %I (LIKE transfers INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_table);
            EXECUTE format(
                'WITH moved AS (DELETE FROM transfers_default WHERE created_at >= %L AND created_at < %L RETURNING *) '
                'INSERT INTO %I SELECT * FROM moved', v_starts, v_ends, v_table);
            EXECUTE format('ALTER TABLE transfers ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', v_table, v_starts, v_ends);
            v_created := v_created + 1;
        END IF;
        v_month := (v_month + interval '1 month')::date;
    END LOOP;
    RETURN v_created;
END $$;

-- 4. Existing rows move into their months; the old table goes.
SELECT ledger_ensure_transfer_months(
    coalesce((SELECT min(created_at) AT TIME ZONE 'UTC' FROM transfers_unpartitioned)::date, current_date),
    ((now() AT TIME ZONE 'UTC') + interval '2 months')::date);
INSERT INTO transfers SELECT * FROM transfers_unpartitioned;
DROP TABLE transfers_unpartitioned;
ALTER SEQUENCE transfers_id_seq OWNED BY transfers.id;

-- 5. Keys, indexes and the spend rollup's trigger, as before; each month table gets its own.
-- The primary key includes the partition key, as PostgreSQL requires; ids stay unique because
-- they come from one sequence.
ALTER TABLE transfers ADD PRIMARY KEY (id, created_at);
ALTER TABLE transfers ADD FOREIGN KEY (operation_key) REFERENCES ledger_operations (key);
ALTER TABLE transfers ADD FOREIGN KEY (from_account_id) REFERENCES accounts (id);
ALTER TABLE transfers ADD FOREIGN KEY (to_account_id) REFERENCES accounts (id);
ALTER TABLE transfers ADD FOREIGN KEY (hold_id) REFERENCES holds (id);
ALTER TABLE transfers ADD FOREIGN KEY (user_id) REFERENCES users (id);
-- Two indexes cover only the rows their queries read, which keeps a settled job's bytes down:
-- a top-up's replay finds its transfer by key (ledger_top_up below), and a user's spend report
-- reads capture and excess transfers by user and time.
CREATE INDEX transfers_by_operation ON transfers (operation_key) WHERE kind = 'top_up';
CREATE INDEX transfers_by_hold ON transfers (hold_id) WHERE hold_id IS NOT NULL;
CREATE INDEX transfers_by_user_time ON transfers (user_id, created_at) WHERE kind IN ('capture', 'excess');
-- The nightly report's control totals and provider drift sum spend over a time range from this
-- index alone (an index-only scan), never visiting the month's heap.
CREATE INDEX transfers_spend_by_time ON transfers (created_at) INCLUDE (kind, currency, amount_micros, to_account_id)
    WHERE kind IN ('capture', 'excess');

CREATE TRIGGER transfers_rollup_spend
AFTER INSERT ON transfers
FOR EACH ROW WHEN (NEW.kind IN ('capture', 'excess'))
EXECUTE FUNCTION dashboard_rollup_spend();

-- As in 0012, with the replay's lookup on the partial index, and a clear refusal when the
-- top-up being replayed is in an archived month.
CREATE OR REPLACE FUNCTION ledger_top_up(p_key text, p_user_id text, p_currency text, p_amount bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_world bigint;
    v_available bigint;
    v_id bigint;
BEGIN
    PERFORM ledger_check_currency(p_currency);
    PERFORM ledger_check_amount(p_amount);
    PERFORM ledger_require_user(p_user_id);
    IF NOT ledger_claim(p_key, 'top_up', concat_ws('|', p_user_id, p_currency, p_amount)) THEN
        SELECT id INTO v_id FROM transfers WHERE operation_key = p_key AND kind = 'top_up';
        IF v_id IS NULL THEN
            PERFORM ledger_fail('VL008', format('top-up %s was made in a month that is archived', p_key));
        END IF;
        RETURN v_id;
    END IF;
    v_world := ledger_house_account('world', 'world', p_currency, hashtext(p_key));
    v_available := ledger_account('user:' || p_user_id, 'available', p_currency, p_user_id);
    PERFORM ledger_account('user:' || p_user_id, 'held', p_currency, p_user_id);
    PERFORM ledger_lock(ARRAY[v_world, v_available]);
    RETURN ledger_post(p_key, 'top_up', v_world, v_available, p_currency, p_amount, NULL, p_user_id);
END $$;

-- jobs_by_hold (0004) indexes exactly what jobs_one_per_hold (0008) does, uniquely.
DROP INDEX jobs_by_hold;

-- 6. The spend rollup by day, for the nightly report's month to date, and a way to rebuild a
-- range of it from the journal (after a bulk load, or rows back-dated by hand).
CREATE INDEX user_spend_daily_by_day ON user_spend_daily (day);

CREATE FUNCTION dashboard_rebuild_spend_rollup(p_from date, p_through date) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_rows bigint;
BEGIN
    DELETE FROM user_spend_daily WHERE day BETWEEN p_from AND p_through;
    INSERT INTO user_spend_daily (user_id, day, provider, family, currency, spent_micros, jobs_count)
    SELECT t.user_id, (t.created_at AT TIME ZONE 'UTC')::date, h.provider, dashboard_spend_family(t.hold_id), t.currency,
           sum(t.amount_micros), count(*) FILTER (WHERE t.kind = 'capture')
    FROM transfers t JOIN holds h ON h.id = t.hold_id
    WHERE t.kind IN ('capture', 'excess')
      AND t.created_at >= p_from::timestamp AT TIME ZONE 'UTC'
      AND t.created_at < (p_through + 1)::timestamp AT TIME ZONE 'UTC'
    GROUP BY 1, 2, 3, 4, 5;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
END $$;

-- 7. Archiving a month: out of the journal with its per-account sums recorded, in one
-- transaction. Refused unless the month has ended and every hold taken up to its end has
-- ended too (an open hold's transfers must stay live for the hold invariant). Returns the
-- detached table's name; the caller writes it to a file and then calls
-- ledger_archived_month_written.
CREATE FUNCTION ledger_detach_transfer_month(p_month date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_table text := ledger_transfer_month_table(p_month);
    v_ends timestamptz := (p_month + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    v_rows bigint;
BEGIN
    IF p_month <> date_trunc('month', p_month)::date THEN
        PERFORM ledger_fail('VL008', format('%s is not the first day of a month', p_month));
    END IF;
    IF v_ends > date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' THEN
        PERFORM ledger_fail('VL008', format('month %s has not ended before the current month', to_char(p_month, 'YYYY-MM')));
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('videoledger:transfer-months'));
    IF EXISTS (SELECT 1 FROM ledger_archived_months WHERE month = p_month) THEN
        RETURN v_table;
    END IF;
    IF to_regclass(v_table) IS NULL THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM transfers_default WHERE created_at < v_ends) THEN
        PERFORM ledger_fail('VL008', format('transfers before %s wait in transfers_default; run ledger_ensure_transfer_months first', v_ends));
    END IF;
    IF EXISTS (SELECT 1 FROM holds WHERE state = 'open' AND created_at < v_ends) THEN
        PERFORM ledger_fail('VL008', format('holds taken before %s are still open', v_ends));
    END IF;
    -- The sums first, with only this month's table locked against writes (it takes none: the
    -- month has ended); then the detach, whose lock on the whole journal lasts only until the
    -- commit right after it, so other months' writes wait for moments, not for the sums.
    EXECUTE format('LOCK TABLE %I IN SHARE MODE', v_table);
    INSERT INTO ledger_archived_months (month, partition_name, state, transfers) VALUES (p_month, v_table, 'detached', 0);
    EXECUTE format(
        'INSERT INTO ledger_archived_journal (month, account_id, net_micros, transfers) '
        'SELECT %L, account_id, sum(delta), count(*) FROM ('
        '  SELECT to_account_id AS account_id, amount_micros AS delta FROM %I'
        '  UNION ALL SELECT from_account_id, -amount_micros FROM %I) moves '
        'GROUP BY account_id', p_month, v_table, v_table);
    SELECT coalesce(sum(transfers), 0) / 2 INTO v_rows FROM ledger_archived_journal WHERE month = p_month;
    UPDATE ledger_archived_months SET transfers = v_rows WHERE month = p_month;
    PERFORM ledger_lock_for_partition_change();
    EXECUTE format('ALTER TABLE transfers DETACH PARTITION %I', v_table);
    RETURN v_table;
END $$;

-- The detached month is in a checked file: record where, and drop the table.
CREATE FUNCTION ledger_archived_month_written(p_month date, p_path text, p_bytes bigint, p_sha256 text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_table text;
BEGIN
    SELECT partition_name INTO v_table FROM ledger_archived_months WHERE month = p_month AND state = 'detached' FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM ledger_fail('VL008', format('month %s is not waiting to be written', to_char(p_month, 'YYYY-MM')));
    END IF;
    UPDATE ledger_archived_months
    SET state = 'archived', file_path = p_path, file_bytes = p_bytes, file_sha256 = p_sha256, archived_at = now()
    WHERE month = p_month;
    EXECUTE format('DROP TABLE %I', v_table);
END $$;

-- Undoes an archive after `pg_restore` has brought the month's table back: the table rejoins
-- the journal (PostgreSQL checks every row lies in the month) and its recorded sums go, in one
-- transaction, so balances equal their journals before and after.
CREATE FUNCTION ledger_restore_transfer_month(p_month date) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_table text;
    v_rows bigint;
    v_recorded bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('videoledger:transfer-months'));
    SELECT partition_name, transfers INTO v_table, v_recorded FROM ledger_archived_months WHERE month = p_month FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM ledger_fail('VL008', format('month %s is not archived', to_char(p_month, 'YYYY-MM')));
    END IF;
    IF to_regclass(v_table) IS NULL THEN
        PERFORM ledger_fail('VL008', format('table %s is not in the database; restore the archive file with pg_restore first', v_table));
    END IF;
    EXECUTE format('SELECT count(*) FROM %I', v_table) INTO v_rows;
    IF v_rows <> v_recorded THEN
        PERFORM ledger_fail('VL008', format('table %s has %s rows; the archive recorded %s', v_table, v_rows, v_recorded));
    END IF;
    EXECUTE format(
        'SELECT count(*) FROM (SELECT account_id, sum(delta) AS net, count(*) AS moves FROM ('
        '  SELECT to_account_id AS account_id, amount_micros AS delta FROM %I'
        '  UNION ALL SELECT from_account_id, -amount_micros FROM %I) m GROUP BY account_id) t '
        'FULL JOIN (SELECT * FROM ledger_archived_journal WHERE month = %L) j USING (account_id) '
        'WHERE t.net IS DISTINCT FROM j.net_micros OR t.moves IS DISTINCT FROM j.transfers', v_table, v_table, p_month)
    INTO v_rows;
    IF v_rows <> 0 THEN
        PERFORM ledger_fail('VL008', format('table %s disagrees with the archived sums of %s accounts', v_table, v_rows));
    END IF;
    -- The bound as a checked constraint first (one scan, locking only this table), so the attach
    -- itself, under the journal's locks, has nothing left to scan.
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (created_at >= %L AND created_at < %L)', v_table,
                   v_table || '_month', p_month::timestamp AT TIME ZONE 'UTC',
                   (p_month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    PERFORM ledger_lock_for_partition_change();
    EXECUTE format('ALTER TABLE transfers ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', v_table,
                   p_month::timestamp AT TIME ZONE 'UTC', (p_month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', v_table, v_table || '_month');
    DELETE FROM ledger_archived_months WHERE month = p_month;
    RETURN v_recorded;
END $$;
