-- ledger_hold_batch, set-based: the group-commit path (HoldBatcher) for holds.
--
-- The first version ran ledger_hold once per request, each in its own subtransaction: about ten
-- statements and a subtransaction per hold, which capped batches near the rate of single-hold
-- transactions. This one holds the common case in five statements for the whole batch and keeps
-- the per-hold path only for the requests whose outcome needs it.
--
-- A request is held set-based when it is well-formed, its key has never been used (and appears
-- once in the batch), its user has accounts in its currency, and the user's whole share of the
-- batch is covered by available plus credit limit. Every other request (a replayed or reused
-- key, an unknown user, bad input, a user whose batch share does not fit) runs through
-- ledger_hold in its own subtransaction, in user order, exactly as before; so each request's
-- result is what ledger_hold alone would have answered, and one refused hold never undoes the
-- others.
--
-- Invariants kept as every ledger function keeps them: the accounts of every user in the batch
-- are locked first, in ascending id order (the order ledger_lock uses), before any balance is
-- read; every balance change is a journaled transfer of a positive amount between two accounts
-- of one currency; a key is claimed in ledger_operations in the same transaction as its hold.
CREATE OR REPLACE FUNCTION ledger_hold_batch(p_keys text[], p_user_ids text[], p_currencies text[], p_amounts bigint[],
                                             p_providers text[], p_job_ids uuid[])
RETURNS TABLE (ordinal integer, hold_id bigint, error_code text, error_message text)
LANGUAGE plpgsql AS $$
DECLARE
    v_claimed integer[];
    v_fast integer[];
    i integer;
BEGIN
    IF cardinality(p_keys) IS DISTINCT FROM cardinality(p_user_ids) OR cardinality(p_keys) IS DISTINCT FROM cardinality(p_currencies)
       OR cardinality(p_keys) IS DISTINCT FROM cardinality(p_amounts) OR cardinality(p_keys) IS DISTINCT FROM cardinality(p_providers)
       OR cardinality(p_keys) IS DISTINCT FROM cardinality(p_job_ids) THEN
        PERFORM ledger_fail('VL006', 'ledger_hold_batch: the argument arrays differ in length');
    END IF;

    -- 1. Claim the keys of the well-formed requests whose key appears once in the batch, in key
    --    order. Claim before lock, as ledger_hold does, so a batch and a single hold never wait
    --    on each other in opposite orders. A key already used (or claimed by a concurrent
    --    transaction that commits it) is not claimed here: the per-hold path answers it.
    WITH r AS (
        SELECT o, count(*) OVER (PARTITION BY p_keys[o]) AS uses_in_batch
        FROM generate_subscripts(p_keys, 1) AS o
    ),
    claimed AS (
        INSERT INTO ledger_operations (key, kind, request)
        SELECT p_keys[r.o], 'hold', concat_ws('|', p_user_ids[r.o], p_currencies[r.o], p_amounts[r.o], p_providers[r.o], p_job_ids[r.o])
        FROM r
        WHERE r.uses_in_batch = 1 AND length(p_keys[r.o]) BETWEEN 1 AND 200 AND p_amounts[r.o] > 0
          AND p_currencies[r.o] IN ('USD', 'XNO', 'USDC') AND p_providers[r.o] ~ '^[a-z0-9-]{1,64}$'
          AND p_user_ids[r.o] IS NOT NULL
        ORDER BY p_keys[r.o]
        ON CONFLICT (key) DO NOTHING
        RETURNING key
    )
    SELECT coalesce(array_agg(k.o::integer ORDER BY k.o), '{}') INTO v_claimed
    FROM claimed c
    JOIN unnest(p_keys) WITH ORDINALITY AS k (key, o) ON k.key = c.key;

    -- 2. Lock every account of the batch's users, in id order, before reading a balance.
    PERFORM 1 FROM accounts a
    WHERE a.owner = ANY (ARRAY(SELECT 'user:' || u FROM unnest(p_user_ids) AS u)) AND a.kind IN ('available', 'held')
    ORDER BY a.id
    FOR NO KEY UPDATE;

    -- 3. Keep the claimed requests whose user has accounts in the currency and whose user's
    --    whole share of them is covered by available plus credit; give the other claims back
    --    to the per-hold path.
    WITH candidates AS (
        SELECT o, p_user_ids[o] AS user_id, p_currencies[o] AS currency, p_amounts[o] AS amount,
               av.balance_micros, u.credit_limit_micros
        FROM unnest(v_claimed) AS o
        JOIN users u ON u.id = p_user_ids[o]
        JOIN accounts av ON av.owner = 'user:' || p_user_ids[o] AND av.kind = 'available' AND av.currency = p_currencies[o]
        JOIN accounts he ON he.owner = 'user:' || p_user_ids[o] AND he.kind = 'held' AND he.currency = p_currencies[o]
    ),
    shares AS (
        SELECT c.*, sum(c.amount) OVER (PARTITION BY c.user_id, c.currency) AS share FROM candidates c
    )
    SELECT coalesce(array_agg(s.o ORDER BY s.o), '{}') INTO v_fast
    FROM shares s
    WHERE s.balance_micros - s.share >= -s.credit_limit_micros;

    DELETE FROM ledger_operations
    WHERE key IN (SELECT p_keys[o] FROM unnest(v_claimed) AS o WHERE NOT (o = ANY (v_fast)));

    IF cardinality(v_fast) > 0 THEN
        -- 4. The holds, their transfers, and the balances they move, in one statement.
        WITH new_holds AS (
            INSERT INTO holds (operation_key, user_id, currency, amount_micros, provider, job_id)
            SELECT p_keys[o], p_user_ids[o], p_currencies[o], p_amounts[o], p_providers[o], p_job_ids[o]
            FROM unnest(v_fast) AS o
            ORDER BY o
            RETURNING id, operation_key, user_id, currency, amount_micros
        ),
        posted AS (
            INSERT INTO transfers (operation_key, kind, from_account_id, to_account_id, currency, amount_micros, hold_id, user_id)
            SELECT h.operation_key, 'hold', av.id, he.id, h.currency, h.amount_micros, h.id, h.user_id
            FROM new_holds h
            JOIN accounts av ON av.owner = 'user:' || h.user_id AND av.kind = 'available' AND av.currency = h.currency
            JOIN accounts he ON he.owner = 'user:' || h.user_id AND he.kind = 'held' AND he.currency = h.currency
            RETURNING from_account_id, to_account_id, amount_micros
        ),
        moved AS (
            SELECT m.account_id, sum(m.delta)::bigint AS delta
            FROM (SELECT from_account_id AS account_id, -amount_micros AS delta FROM posted
                  UNION ALL
                  SELECT to_account_id, amount_micros FROM posted) AS m
            GROUP BY m.account_id
        )
        UPDATE accounts a SET balance_micros = a.balance_micros + moved.delta
        FROM moved
        WHERE a.id = moved.account_id;

        RETURN QUERY
        SELECT o, h.id, NULL::text, NULL::text
        FROM unnest(v_fast) AS o
        JOIN holds h ON h.operation_key = p_keys[o]
        ORDER BY o;
    END IF;

    -- 5. Everything else, one hold at a time, as the first version did.
    FOR i IN SELECT o FROM generate_subscripts(p_keys, 1) AS o
             WHERE NOT (o = ANY (v_fast))
             ORDER BY p_user_ids[o], o LOOP
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
