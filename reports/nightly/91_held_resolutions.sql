-- title: Held jobs resolved without the provider's word
--
-- Jobs resolved on the day by balance evidence, by an operator, or by the long bound on held
-- money (method = bound: the hold was released after 7 days without evidence, and the provider
-- may have charged: each such row is a finding to look at). cost is what the user was charged
-- (empty when the hold was released); held is the quote the hold was for.
--
-- $1 = the report day (date, UTC).
WITH day AS NOT MATERIALIZED (
    SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS starts,
           ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
)
SELECT r.job_id::text AS job_id,
       j.user_id,
       j.provider,
       j.currency,
       r.method,
       r.outcome,
       r.resolved_by,
       j.quoted_micros AS held_micros,
       r.cost_micros,
       r.reason,
       to_char(r.resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS resolved_at
FROM job_resolutions r
JOIN jobs j ON j.id = r.job_id
CROSS JOIN day d
WHERE r.resolved_at >= d.starts AND r.resolved_at < d.ends
ORDER BY r.resolved_at, r.job_id
