import Basics
import Foundation
import Logging
import Postgres
import Pricing
import ProviderRegistry
import Providers
import Synchronization

/// Polls in-flight jobs and settles those that ended.
///
/// Due jobs are leased from PostgreSQL (`FOR UPDATE SKIP LOCKED`, with a lease expiry), so any
/// number of pollers share one database. A killed one's jobs come back as soon as its heartbeat
/// is older than `heartbeatDeadAfterMilliseconds` (or at lease expiry, for an owner that never
/// heartbeats). Only a provider's own terminal word fails a job; a provider that stops giving a
/// usable answer leaves its jobs `stalled`, their holds kept.
/// Each provider is leased separately, up to its in-flight cap, so a slow or broken provider
/// only slows its own jobs. Settlement is exactly once whatever the races: the state change is
/// conditional on the job not having ended, under a row lock, with ledger keys from the job id.
public final class Poller: Sendable {
    public let pool: PostgresPool
    public let configuration: JobsConfiguration
    /// Written into `jobs.lease_owner`.
    public let instanceID: String
    let adapters: [ProviderID: any ProviderAdapter]
    let providers: [ProviderID]
    let settlement: Settlement
    let recorder: SubmissionRecorder
    /// The poll's own job writes (reschedule, error run, stall, `unknown`) share commits with
    /// those of concurrent polls: a poll that changes no money costs a fraction of a commit.
    let jobWrites: PostgresGroupCommit
    let schedule: PollSchedule
    let clock: JobClock
    let heartbeat: InstanceHeartbeat
    let logger: Logger
    /// Polls in flight per provider, in this instance.
    let inFlight = Mutex<[ProviderID: Int]>([:])
    /// A provider that answered 429 with `Retry-After` is left alone until then.
    let pausedUntil = Mutex<[ProviderID: ContinuousClock.Instant]>([:])
    /// Synchronous provider calls (AIGate renders) in flight in this instance: a graceful stop
    /// waits for them up to `synchronousDrainMilliseconds`.
    let dispatchesInFlight = Mutex(0)

    public init(
        pool: PostgresPool, catalog: PriceCatalog, adapters: [ProviderID: any ProviderAdapter],
        configuration: JobsConfiguration = JobsConfiguration(), logger: Logger = Logger(label: "videoledger.poller"),
        instanceID: String = JobService.makeInstanceID(), clock: JobClock = .system
    ) {
        configuration.validate()
        self.pool = pool
        self.configuration = configuration
        self.instanceID = instanceID
        self.adapters = adapters
        self.providers = adapters.keys.sorted { $0.rawValue < $1.rawValue }
        self.settlement = Settlement(catalog: catalog, logger: logger)
        self.jobWrites = PostgresGroupCommit(pool: pool, batchSizeMax: configuration.leaseBatchMax)
        self.recorder = SubmissionRecorder(
            pool: pool, settlement: settlement, configuration: configuration, logger: logger,
            groupCommit: jobWrites)
        self.schedule = PollSchedule(configuration: configuration)
        self.clock = clock
        self.heartbeat = InstanceHeartbeat(pool: pool, instanceID: instanceID, clock: clock, logger: logger)
        self.logger = logger
    }

    /// Leases what is due (up to each provider's free capacity), processes it concurrently,
    /// waits for all of it, and reports.
    public func pollOnce() async -> PollRound {
        let started = ContinuousClock.now
        var round = PollRound()
        let leased = await leaseDue(providers).jobs
        round.leased = leased.count
        let outcomes = await withTaskGroup(of: PollOutcome.self) { group -> [PollOutcome] in
            for job in leased {
                group.addTask { await self.processCounted(job) }
            }
            var outcomes: [PollOutcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        for outcome in outcomes { round.add(outcome) }
        round.durationMilliseconds = Int((ContinuousClock.now - started).wholeMilliseconds)
        return round
    }

    /// Leases due jobs of one provider (see `leaseDue(_:)` for several).
    func leaseDue(_ provider: ProviderID) async -> [JobRecord] {
        await leaseDue([provider]).jobs
    }

    /// Leases due jobs of each provider, at most its free capacity and the batch size; none
    /// while a provider asked us to wait or the database is unreachable (logged; retried next
    /// tick). `full` says some provider had more due than one batch took, so the caller should
    /// lease again at once rather than wait a tick.
    ///
    /// All providers are leased in one transaction, one commit per round whatever the number of
    /// providers. The cap is for the provider across every instance on the database: leases held
    /// by live instances are counted in the same transaction that takes new ones, under a
    /// per-provider advisory lock (taken in the providers' sorted order, the same in every
    /// instance, so two rounds cannot deadlock), so three instances with a cap of 16 never have
    /// more than 16 calls out. An instance the round takes for dead is fenced before the count
    /// leaves its leases out, so they cannot count again when a late heartbeat lands; the round
    /// holds its own instance row, so it is never fenced halfway.
    func leaseDue(_ providers: [ProviderID]) async -> (jobs: [JobRecord], full: Bool) {
        var wanted: [(provider: ProviderID, free: Int, cap: Int)] = []
        for provider in providers.sorted(by: { $0.rawValue < $1.rawValue }) {
            if let until = pausedUntil.withLock({ $0[provider] }), until > ContinuousClock.now { continue }
            let cap = configuration.inFlightMax(provider)
            let busyHere = inFlight.withLock { $0[provider] ?? 0 }
            let free = min(cap - busyHere, configuration.leaseBatchMax)
            if free > 0 { wanted.append((provider, free, cap)) }
        }
        guard !wanted.isEmpty else { return ([], false) }
        let asks = wanted
        let owner = instanceID
        let lease = configuration.leaseMilliseconds
        let dead = configuration.heartbeatDeadAfterMilliseconds
        let batchMax = configuration.leaseBatchMax
        let now = clock.now
        let takeable = InstanceHeartbeat.leaseTakeable(now: "$5", dead: "$6")
        // The pick is a materialized CTE, run once. Written as `WHERE id IN (SELECT … LIMIT …
        // FOR UPDATE SKIP LOCKED)`, the plan PostgreSQL caches for a statement prepared while
        // `jobs` is empty (a new database) is a nested-loop semi join that reruns the pick for
        // every row of `jobs`, and each rerun can lock rows another transaction has unlocked
        // since: one round leased 31 jobs of a provider capped at 2
        // (`aRoundTakesNoMoreThanItsLimitWhileRowsAreLockedAroundIt`).
        let sql = """
            WITH picked AS MATERIALIZED (
                SELECT id FROM jobs
                WHERE provider = $3 AND status IN ('submitting', 'queued', 'running', 'stalled') AND next_poll_at <= $5
                  AND \(takeable)
                ORDER BY next_poll_at
                LIMIT greatest(0, least($4::int, $7::int - (
                    SELECT count(*) FROM jobs
                    WHERE provider = $3 AND status IN ('submitting', 'queued', 'running', 'stalled')
                      AND \(InstanceHeartbeat.leaseCounted(now: "$5")))))
                FOR UPDATE SKIP LOCKED)
            UPDATE jobs SET lease_owner = $1, lease_expires_at = $5::timestamptz + $2::float8 * interval '1 millisecond'
            WHERE id IN (SELECT id FROM picked)
            RETURNING \(JobRecord.columns)
            """
        do {
            return try await pool.transaction { session in
                // Whom this round takes for dead is fenced first, so the count below leaves out
                // only leases that can never count again (`InstanceHeartbeat`); a fenced
                // instance leases nothing until its heartbeat has expired what it holds. This
                // instance's own row stays locked to the commit, so no fence or heartbeat lands
                // while the round is in flight.
                let fenced: Bool = try session.queryPrepared(InstanceHeartbeat.fenceTheDead, [owner, now, dead])[0]
                    .decode(0)
                guard !fenced else { return ([], false) }
                var jobs: [JobRecord] = []
                var full = false
                for (provider, free, cap) in asks {
                    try session.executePrepared(
                        "SELECT pg_advisory_xact_lock(hashtext('videoledger.lease.' || $1))", [provider.rawValue])
                    let taken = try session.queryPrepared(sql, [owner, lease, provider.rawValue, free, now, dead, cap])
                        .map(JobRecord.init(row:))
                    jobs += taken
                    // A batch as large as asked, short of the provider's cap, may have left due jobs.
                    if taken.count == free && free == batchMax { full = true }
                }
                return (jobs, full)
            }
        } catch {
            logger.warning(
                "lease failed",
                metadata: ["providers": "\(wanted.map(\.provider.rawValue))", "error": "\(error)"])
            return ([], false)
        }
    }

    /// Processes one leased job with the in-flight count held around it.
    func processCounted(_ job: JobRecord) async -> PollOutcome {
        guard let provider = ProviderID(rawValue: job.provider) else { return .skipped }
        inFlight.withLock { $0[provider, default: 0] += 1 }
        defer { inFlight.withLock { $0[provider, default: 1] -= 1 } }
        let outcome = await process(job, provider: provider)
        JobMetrics.poll(provider: provider.rawValue, outcome: "\(outcome)")
        return outcome
    }

    /// Releases this instance's leases on jobs it is not working on, so a restarted or sibling
    /// poller takes them at once instead of after the lease expiry. Dispatched calls keep theirs:
    /// their job must turn `unknown` (taken over at once, since this instance is then marked
    /// stopped), never be sent again.
    public func releaseLeases() async {
        let owner = instanceID
        // Unstructured: runs even when the caller was cancelled, which is when it matters.
        let released = await Task {
            try? await self.pool.withSession { session in
                try session.executePrepared(
                    """
                    UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL
                    WHERE lease_owner = $1
                      AND (status IN ('queued', 'running', 'stalled') OR (status = 'submitting' AND dispatched_at IS NULL))
                    """, [owner])
            }
        }.value
        logger.info("leases released", metadata: ["count": "\(released ?? 0)"])
    }

    /// Jobs in flight in this instance, all providers.
    var inFlightTotal: Int { inFlight.withLock { $0.values.reduce(0, +) } }
}
