-- Reports: the record of every report run, and the indexes the report SQL in reports/ reads by.
-- (0003 is reserved for the jobs engineer's reconciliation tables.)

-- One row per run of `videoledger report …`. A run is inserted as 'running' before any file is
-- written and ends as 'succeeded' or 'failed'; a row left 'running' is a run that was killed.
-- The run time lives here and only here: the files themselves carry no timestamp but the report
-- date, so re-running a date yields byte-identical files (compare `files` checksums across runs).
CREATE TABLE report_runs (
    id bigserial PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('nightly', 'spend')),
    -- nightly: the day reported (UTC). spend: NULL.
    report_date date,
    -- spend: the user and the inclusive range of days (UTC). nightly: NULL.
    user_id text,
    range_from date,
    range_to date,
    -- Everything else that shaped the output: formats, output folder, definitions checksum.
    parameters jsonb NOT NULL,
    status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
    -- {"section": rows, …}
    row_counts jsonb,
    -- {"section": {"CURRENCY": {"column": "decimal" | integer}}}: money as decimal strings.
    totals jsonb,
    -- [{"name": file name, "bytes": n, "sha256": hex}, …] in the order written.
    files jsonb,
    error text,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    CHECK ((status = 'running') = (finished_at IS NULL)),
    CHECK (status <> 'failed' OR error IS NOT NULL),
    CHECK ((kind = 'nightly') = (report_date IS NOT NULL)),
    CHECK ((kind = 'spend') = (user_id IS NOT NULL AND range_from IS NOT NULL AND range_to IS NOT NULL)),
    CHECK (range_from IS NULL OR range_from <= range_to)
);
CREATE INDEX report_runs_by_kind_date ON report_runs (kind, report_date, started_at);

-- Spend (capture and excess transfers) by time: the day's and the month-to-date slices.
CREATE INDEX transfers_spend_by_time ON transfers (created_at) WHERE kind IN ('capture', 'excess');
-- Holds resolved in a period (settled jobs, released holds) and holds still open at a past
-- instant (resolved after it).
CREATE INDEX holds_by_resolved_at ON holds (resolved_at) WHERE resolved_at IS NOT NULL;
-- Spend is attributed to a job through jobs.hold_id = transfers.hold_id.
CREATE INDEX jobs_by_hold ON jobs (hold_id) WHERE hold_id IS NOT NULL;
