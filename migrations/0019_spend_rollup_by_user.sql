-- The spend rollup's key in the order its readers read it, carrying the amounts.
--
-- `user_spend_daily` is read in two ways, and its primary key (user_id, day, provider, family,
-- currency) served neither well:
--
-- 1. GET /v1/users/{id}/spend reads one user's rows over a range of days. The key found them,
--    then each row was read from the table: about one table page per day of the range, since
--    a day's rows are written together. With 100,000 users (50 M journal rows) that is about 170
--    pages a request, most of them outside shared buffers.
-- 2. The nightly report groups a month's rows per user, currency, provider and family in byte
--    order. Nothing delivered them in that order, so the month was sorted: about 3 s of the
--    4.5 s its 1.6 M-row section took at 10 M transfers a month.
--
-- The new unique index keys the rows in the report's grouping, in byte order (COLLATE "C"),
-- with the day last, and carries the two amounts (INCLUDE). The spend route reads a few index
-- pages a month and no table page (an index-only scan: a month's pages are all-visible once
-- vacuumed); the report's groups come out of the index in order, with no sort.
--
-- The collation changes no answer: under a deterministic collation, as every collation here
-- is, two texts are equal exactly when their bytes are, so the index finds and keeps unique
-- the same rows. The settlement's upsert (`ON CONFLICT (user_id, day, provider, family,
-- currency)`, migration 0006) infers this index: the same columns, any collation. Readers
-- that look a user up say `user_id COLLATE "C" = ...` so that they can use it.
--
-- The rollup keeps no primary key: this unique index over the same columns is its key.
-- Rebuilding it locks the rollup, and with it settlements, for about 20 s at 17 M rollup rows.
ALTER TABLE user_spend_daily DROP CONSTRAINT user_spend_daily_pkey;
CREATE UNIQUE INDEX user_spend_daily_by_user ON user_spend_daily (
    user_id COLLATE "C", currency COLLATE "C", provider COLLATE "C", family COLLATE "C", day
) INCLUDE (spent_micros, jobs_count);
