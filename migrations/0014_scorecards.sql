-- Provider scorecards and failure-aware cheapest lookups (issue 16): what the ranking saw when a
-- job was submitted, so the nightly savings can compare each job with the cheapest by price and
-- by expected cost at submit time. NULL for jobs from before, and for recorded jobs.
--   ranked_by                 how `cheapest` ranked: price or expected
--   expected_micros           the chosen offer's expected cost per successful clip
--   cheapest_price_micros     the lowest price of any offer that qualified
--   cheapest_expected_micros  the lowest expected cost of any offer that qualified
ALTER TABLE jobs
    ADD COLUMN ranked_by text CHECK (ranked_by IN ('price', 'expected')),
    ADD COLUMN expected_micros bigint CHECK (expected_micros >= 0),
    ADD COLUMN cheapest_price_micros bigint CHECK (cheapest_price_micros >= 0),
    ADD COLUMN cheapest_expected_micros bigint CHECK (cheapest_expected_micros >= 0);
