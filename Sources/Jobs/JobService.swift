import Basics
import Foundation
import Ledger
import Logging
import Postgres
import Pricing
import ProviderRegistry
import Providers

/// Submits, records, reads and cancels jobs. The REST layer's entry point.
///
/// A submit writes the job and its hold in one transaction before any provider call, then calls
/// the provider and records its answer. A crash in between leaves a `submitting` row whose lease
/// runs out; the poller then marks it `unknown` and reconciliation resolves it. No path sends a
/// job to a provider twice: only the request that inserted the row (or, for AIGate, the poller
/// that marked it dispatched) ever calls the provider's submit.
public final class JobService: Sendable {
    public let pool: PostgresPool
    public let catalog: PriceCatalog
    public let configuration: JobsConfiguration
    let adapters: [ProviderID: any ProviderAdapter]
    let logger: Logger
    /// Names this process in `jobs.lease_owner` while it submits.
    let instanceID: String
    let today: @Sendable () -> CalendarDay
    let settlement: Settlement
    let recorder: SubmissionRecorder
    /// Job rows and their holds, written by concurrent submits in shared transactions.
    let inserts: PostgresGroupCommit
    /// Asked before a submit is written, when configured; nil keeps the quote path in memory.
    let liveQuotes: LiveQuotes?
    /// The scorecard `rank=expected` submits rank with; nil ranks on priors only.
    let scorecards: ScorecardBoard?
    let priorsOnly: ExpectedCostBook

    /// - Parameters:
    ///   - adapters: the configured providers; `cheapest` chooses among these only.
    ///   - today: the pricing day of new jobs (injected for tests).
    ///   - liveQuotes: provider quote endpoints to record each submit's live price from (off when nil).
    public init(
        pool: PostgresPool, catalog: PriceCatalog, adapters: [ProviderID: any ProviderAdapter],
        configuration: JobsConfiguration = JobsConfiguration(), logger: Logger = Logger(label: "videoledger.jobs"),
        instanceID: String = JobService.makeInstanceID(),
        today: @escaping @Sendable () -> CalendarDay = { CalendarDay.today() },
        liveQuotes: LiveQuotes? = nil, scorecards: ScorecardBoard? = nil
    ) {
        configuration.validate()
        self.pool = pool
        self.catalog = catalog
        self.configuration = configuration
        self.adapters = adapters
        self.logger = logger
        self.instanceID = instanceID
        self.today = today
        self.liveQuotes = liveQuotes
        self.scorecards = scorecards
        self.priorsOnly = ExpectedCostBook.priorsOnly(catalog: catalog)
        self.settlement = Settlement(catalog: catalog, logger: logger)
        self.inserts = PostgresGroupCommit(pool: pool)
        self.recorder = SubmissionRecorder(
            pool: pool, settlement: settlement, configuration: configuration, logger: logger,
            groupCommit: PostgresGroupCommit(pool: pool))
    }

    /// `host:pid:random`: unique per process start, readable in the database.
    public static func makeInstanceID() -> String {
        let host = ProcessInfo.processInfo.hostName.prefix(40)
        return "\(host):\(getpid()):\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The job with its hold's ledger transfers, or nil.
    public func job(id: UUID) async throws -> JobRecord? {
        do {
            return try await pool.withSession { session in try JobRows.load(session, id: id) }
        } catch {
            throw JobError.wrap(error)
        }
    }

    /// Cancels a job that has not ended: releases its hold in the same transaction as the state
    /// change. Cancelling a cancelled job returns it unchanged. None of the five provider APIs
    /// offers a cancel call, so the provider may still finish the job; its charge then shows in
    /// reconciliation (provider charges against balances), never on the user.
    /// `actor` (an API token's name) is recorded as the job's `cancelled_by` and on the release.
    public func cancel(id: UUID, actor: String? = nil) async throws -> JobRecord {
        do {
            let job = try await pool.transaction { session -> JobRecord in
                try LedgerStatements.setActor(session, actor)
                guard let job = try JobRows.load(session, id: id, forUpdate: true, withTransfers: false) else {
                    throw JobError.jobNotFound(id)
                }
                if job.status == .cancelled { return job }
                guard !job.status.isTerminal else { throw JobError.notCancellable(jobID: id, status: job.status) }
                _ = try self.settlement.end(
                    session, job: job, as: .cancelled, code: "cancelled", reason: "cancelled by request",
                    refunded: false)
                try session.execute("UPDATE jobs SET cancelled_by = $2 WHERE id = $1", [id, actor])
                guard let ended = try JobRows.load(session, id: id) else { throw JobError.jobNotFound(id) }
                return ended
            }
            JobMetrics.transition(to: .cancelled)
            return job
        } catch {
            throw JobError.wrap(error)
        }
    }
}
