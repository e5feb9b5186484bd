-- A hold belongs to at most one job. Every per-job money figure (spend by provider and family,
-- quote accuracy, provider drift) joins transfers to jobs through jobs.hold_id; a second job on
-- the same hold would count its money twice. Job inserts create their own hold in the same
-- transaction, so this never refuses a legitimate write; it turns a would-be double count into
-- an error at the write that causes it. (The reports' control totals still check the sums.)
CREATE UNIQUE INDEX jobs_one_per_hold ON jobs (hold_id) WHERE hold_id IS NOT NULL;
