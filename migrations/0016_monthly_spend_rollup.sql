-- The daily spend rollup (user_spend_daily) partitioned by month of `day`, like the journal.
--
-- The nightly report's month-to-date sections and the spend route read the rollup. As one
-- table it grows with every month of history, and a month's rows are spread across all of it:
-- at five months of history the month-to-date sections read all five. One table per month
-- keeps them reading one month, however long the history. The rollup is never archived: it is
-- small (a row per user, day, provider and family) and it answers spend for archived months.

-- 1. One function makes month tables for any table partitioned by month with a `<name>_default`
-- partition: `transfers` (by `created_at`, a timestamptz, skipping archived months) and
-- `user_spend_daily` (by `day`, a date). Each month's table is made standalone, given the rows
-- the default partition caught for it, then attached, so a month that already has rows is made
-- without error. One caller per table at a time.
CREATE FUNCTION ledger_ensure_months(p_parent text, p_from date, p_through date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_key text;
    v_month date := date_trunc('month', p_from)::date;
    v_table text;
    v_starts text;
    v_ends text;
    v_created integer := 0;
BEGIN
    v_key := CASE p_parent WHEN 'transfers' THEN 'created_at' WHEN 'user_spend_daily' THEN 'day' END;
    IF v_key IS NULL THEN
        PERFORM ledger_fail('VL008', format('%s is not partitioned by month', p_parent));
    END IF;
    IF p_through < p_from OR p_through - p_from > 3660 THEN
        PERFORM ledger_fail('VL008', format('month range %s to %s is not 0-10 years', p_from, p_through));
    END IF;
    -- transfers keeps its lock of 0015, which archiving and restoring take too.
    PERFORM pg_advisory_xact_lock(hashtext(CASE p_parent WHEN 'transfers' THEN 'videoledger:transfer-months'
                                                         ELSE 'videoledger:months:' || p_parent END));
    WHILE v_month <= p_through LOOP
        v_table := p_parent || '_' || to_char(v_month, 'YYYY_MM');
        IF to_regclass(v_table) IS NULL
           AND NOT (p_parent = 'transfers' AND EXISTS (SELECT 1 FROM ledger_archived_months WHERE month = v_month)) THEN
            -- Bounds as text PostgreSQL reads exactly for either key type: UTC midnights.
            v_starts := (v_month::timestamp AT TIME ZONE 'UTC')::text;
            v_ends := ((v_month + interval '1 month')::timestamp AT TIME ZONE 'UTC')::text;
            IF v_key = 'day' THEN
                v_starts := v_month::text;
                v_ends := (v_month + interval '1 month')::date::text;
            END IF;
            PERFORM ledger_lock_for_partition_change();
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_table, p_parent);
            EXECUTE format(
                'WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
                p_parent || '_default', v_key, v_starts, v_key, v_ends, v_table);
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', p_parent, v_table, v_starts, v_ends);
            v_created := v_created + 1;
        END IF;
        v_month := (v_month + interval '1 month')::date;
    END LOOP;
    RETURN v_created;
END $$;

CREATE OR REPLACE FUNCTION ledger_ensure_transfer_months(p_from date, p_through date) RETURNS integer
LANGUAGE sql AS $$ SELECT ledger_ensure_months('transfers', p_from, p_through) $$;

-- 2. The rollup, partitioned, with its rows moved over; the trigger of 0006 writes into the new
-- table by name, and the primary key it upserts on includes the month.
ALTER TABLE user_spend_daily RENAME TO user_spend_daily_unpartitioned;
ALTER TABLE user_spend_daily_unpartitioned RENAME CONSTRAINT user_spend_daily_pkey TO user_spend_daily_unpartitioned_pkey;
DROP INDEX user_spend_daily_by_day;

CREATE TABLE user_spend_daily (
    user_id text NOT NULL,
    day date NOT NULL,
    provider text NOT NULL,
    family text NOT NULL,
    currency text NOT NULL,
    spent_micros bigint NOT NULL DEFAULT 0 CONSTRAINT user_spend_daily_spent_micros_check CHECK (spent_micros >= 0),
    jobs_count bigint NOT NULL DEFAULT 0 CONSTRAINT user_spend_daily_jobs_count_check CHECK (jobs_count >= 0)
) PARTITION BY RANGE (day);
CREATE TABLE user_spend_daily_default PARTITION OF user_spend_daily DEFAULT;

SELECT ledger_ensure_months(
    'user_spend_daily', coalesce((SELECT min(day) FROM user_spend_daily_unpartitioned), current_date),
    ((now() AT TIME ZONE 'UTC') + interval '2 months')::date);
INSERT INTO user_spend_daily SELECT * FROM user_spend_daily_unpartitioned;
DROP TABLE user_spend_daily_unpartitioned;

ALTER TABLE user_spend_daily ADD PRIMARY KEY (user_id, day, provider, family, currency);
ALTER TABLE user_spend_daily ADD FOREIGN KEY (user_id) REFERENCES users (id);
