-- Two of the job table's indexes cost every job more than they gave.
--
-- Every job row version (its insert, its submission, each poll's lease and reschedule, its
-- settlement) adds an entry to each index of `jobs`: at about 2 M jobs, the eight indexes over
-- every job took 340 of a job's 504 bytes, and each took its share of every poll's write.
--
-- `jobs_by_provider_time` (provider, created_at) served only windows of recent jobs per
-- provider (provider health, a job list filtered by provider), which a range of `jobs_by_time`
-- reads as well: the window holds every provider's jobs, and a list reads back from the newest
-- until its page is full. 33 bytes a job.
--
-- `jobs_by_status` (status, created_at) served the job list filtered by status. Completed jobs,
-- most of all jobs, are found fastest by reading `jobs_by_time` back from the newest; only the
-- other statuses (failed, expired, cancelled, ...), which can be rare, need an index of their own
-- to be found without reading through the completed ones. So the index keeps only those.
DROP INDEX jobs_by_provider_time;
DROP INDEX jobs_by_status;
CREATE INDEX jobs_by_status_uncommon ON jobs (status, created_at) WHERE status <> 'completed';
