-- Provider scorecards computed once per period for every instance, not once per instance.
--
-- Every `serve` refreshed its scorecards itself: one statement over 30 days of jobs with six
-- percentiles, about 17 s of database time at 20 M jobs (4 M of them in the 30 days), every
-- five minutes, on every instance. Now the periods are aligned to the clock, the first instance
-- to claim a period computes its scorecard into these tables in the claiming transaction, and
-- every other instance reads the stored rows. An instance that claims while another's claim is
-- still uncommitted waits for it: it reads that instance's rows when it commits, and computes
-- them itself if that instance dies and its claim rolls back.

-- One claimed period: the instant its windows end.
CREATE TABLE scorecard_snapshots (
    as_of timestamptz PRIMARY KEY,
    computed_by text NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now()
);

-- The scorecard query's rows for that instant (`Sources/Jobs/Scorecards/ScorecardQuery.swift`),
-- column for column, in the same order.
CREATE TABLE scorecard_rows (
    as_of timestamptz NOT NULL REFERENCES scorecard_snapshots (as_of) ON DELETE CASCADE,
    window_name text NOT NULL,
    provider text NOT NULL,
    family text NOT NULL,
    jobs bigint NOT NULL,
    completed bigint NOT NULL,
    failed bigint NOT NULL,
    content_policy bigint NOT NULL,
    cancelled bigint NOT NULL,
    expired bigint NOT NULL,
    stalled bigint NOT NULL,
    unknown bigint NOT NULL,
    in_flight bigint NOT NULL,
    refunded bigint NOT NULL,
    p50_ms bigint,
    p95_ms bigint,
    costed bigint NOT NULL,
    costed_quoted_micros bigint NOT NULL,
    error_total_micros bigint NOT NULL,
    error_p50_micros bigint,
    error_p95_micros bigint,
    failed_quoted_micros bigint NOT NULL,
    failed_billed_micros bigint NOT NULL,
    live_quoted bigint NOT NULL,
    drift_total_micros bigint NOT NULL,
    drift_p50_micros bigint,
    drift_p95_micros bigint,
    PRIMARY KEY (as_of, window_name, provider, family)
);
