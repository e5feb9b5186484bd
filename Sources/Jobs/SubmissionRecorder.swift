import Foundation
import Logging
import Money
import Postgres
import ProviderRegistry
import Providers

/// Writes what a provider answered to a submit: its job id, precharge, payment source and
/// balance (accepted), or the job's end (refused), or `unknown` (the answer was lost). Shared by
/// `JobService.submit` and the poller's dispatch of synchronous providers.
struct SubmissionRecorder: Sendable {
    let pool: PostgresPool
    let settlement: Settlement
    let configuration: JobsConfiguration
    let logger: Logger
    /// Accepted submissions that settle nothing share commits with concurrent ones: the write is
    /// a few rows of one job, and its own commit would be most of its cost.
    let groupCommit: PostgresGroupCommit

    /// How often the write of an accepted submission is tried before giving up. The provider has
    /// the job: losing this write makes it `unknown`, so it is worth a few attempts.
    static let writeAttemptsMax = 5

    /// Records an accepted submission; a synchronous provider's final status settles the job in
    /// the same transaction. Returns the job as it stands after, with its transfers.
    ///
    /// Without a final status the write moves no money, so it goes through the group commit;
    /// with one it settles, locking the user's account rows, and keeps a transaction of its own
    /// (rows of two users locked in two orders by two batches could deadlock).
    func accepted(jobID: UUID, provider: ProviderID, submission: ProviderSubmission) async throws -> JobRecord {
        var attempt = 1
        while true {
            do {
                let write: @Sendable (PostgresSession) throws -> JobRecord = { session in
                    try self.writeAccepted(session, jobID: jobID, provider: provider, submission)
                }
                return try await submission.finalStatus == nil
                    ? groupCommit.run(lockOrder: jobID.uuidString, write) : pool.transaction(write)
            } catch {
                guard attempt < Self.writeAttemptsMax else {
                    // The provider has a job we could not record: say so loudly, with its id, so an
                    // operator can match it; the job turns `unknown` when its lease ends.
                    logger.error(
                        "could not record an accepted submission",
                        metadata: [
                            "job": "\(jobID)", "provider": "\(provider.rawValue)",
                            "provider_job_id": "\(submission.providerJobID)", "error": "\(error)",
                        ])
                    throw error
                }
                attempt += 1
                try? await Task.sleep(for: .milliseconds(100 * attempt * attempt))
            }
        }
    }

    private func writeAccepted(
        _ session: PostgresSession, jobID: UUID, provider: ProviderID, _ submission: ProviderSubmission
    ) throws -> JobRecord {
        guard let job = try JobRows.load(session, id: jobID, forUpdate: true, withTransfers: false) else {
            preconditionFailure("job \(jobID) vanished between its insert and its submission")
        }
        let paymentCurrency = submission.paymentSource?.chargeCurrency ?? job.currency
        let precharge = submission.precharge
        try session.executePrepared(
            """
            UPDATE jobs SET provider_job_id = $2, payment_source = $3, provider_precharge_micros = $4,
                   provider_precharge_currency = $5, provider_balance_micros = $6, provider_balance_currency = $7,
                   provider_download_url = $8, submitted_at = now(), updated_at = now(),
                   status = CASE WHEN status IN ('submitting', 'unknown') THEN 'queued' ELSE status END,
                   queued_at = CASE WHEN status IN ('submitting', 'unknown') THEN now() ELSE queued_at END,
                   unknown_at = NULL,
                   next_poll_at = CASE WHEN status IN ('submitting', 'unknown') THEN now() + $9::float8 * interval '1 millisecond' END,
                   lease_owner = NULL, lease_expires_at = NULL
            WHERE id = $1
            """,
            [
                jobID, submission.providerJobID, submission.paymentSource?.storedText, precharge?.micros,
                precharge?.currency.rawValue,
                submission.remainingBalance?.micros, submission.remainingBalance?.currency.rawValue,
                submission.downloadURL,
                configuration.pollIntervalMillisecondsMin,
            ])
        try recordPrecharge(
            session, job: job, provider: provider, submission: submission, paymentCurrency: paymentCurrency)
        if let remaining = submission.remainingBalance {
            try ProviderChargeStatements.snapshot(
                session, provider: job.provider, balance: BalanceSnapshot(available: [remaining]), source: "submit",
                jobID: jobID)
        }
        if let before = submission.balanceBefore {
            try ProviderChargeStatements.snapshot(
                session, provider: job.provider, balance: before, source: "before_submit", jobID: jobID)
        }
        if let final = submission.finalStatus, final.state.isTerminal {
            guard let current = try JobRows.load(session, id: jobID, forUpdate: true, withTransfers: false) else {
                preconditionFailure("job \(jobID) vanished inside its own transaction")
            }
            if !current.status.isTerminal {
                try settleFinal(session, job: current, final: final, before: submission.balanceBefore)
            }
        }
        // With its transfers: the caller answers with it and reads nothing after the commit.
        guard let written = try JobRows.load(session, id: jobID) else {
            preconditionFailure("job \(jobID) vanished inside its own transaction")
        }
        return written
    }

    /// NanoGPT reports its precharge; Venice and AIMO reserve without saying, so our quote stands
    /// in for it. Recorded in the currency the provider took it in.
    private func recordPrecharge(
        _ session: PostgresSession, job: JobRecord, provider: ProviderID, submission: ProviderSubmission,
        paymentCurrency: String
    ) throws {
        switch provider.descriptor.billing {
        case .reportedPrecharge:
            guard let precharge = submission.precharge else { return }
            // The amount's own currency: NanoGPT reports it in the paying balance's (XNO or USD).
            try ProviderChargeStatements.record(
                session, jobID: job.id, provider: job.provider, kind: "precharge",
                currency: precharge.currency.rawValue,
                amountMicros: precharge.micros, source: "provider_reported")
        case .silentReserve:
            try ProviderChargeStatements.record(
                session, jobID: job.id, provider: job.provider, kind: "precharge", currency: paymentCurrency,
                amountMicros: job.quotedMicros, source: "quote")
        case .atCompletion:
            return
        }
    }

    /// A synchronous provider answered with the finished job.
    private func settleFinal(
        _ session: PostgresSession, job: JobRecord, final: ProviderStatus, before: BalanceSnapshot?
    ) throws {
        switch final.state {
        case .completed:
            let measured = try measuredCost(session, job: job, before: before, after: final.balance)
            do {
                _ = try settlement.complete(session, job: job, status: final, measured: measured)
            } catch let refusal as SettlementRefusal {
                // The answer is recorded (provider job id, result) and the money held for a look.
                try session.executePrepared(
                    """
                    UPDATE jobs SET status = 'stalled', stalled_at = now(), stall_reason = $2, last_error = $3, next_poll_at = NULL,
                           updated_at = now()
                    WHERE id = $1 AND status NOT IN \(JobStatus.terminalSQL)
                    """, [job.id, refusal.reason.rawValue, String(refusal.message.prefix(500))])
                logger.warning("synchronous job held: \(refusal.message)", metadata: ["job": "\(job.id)"])
            }
        case .failed, .cancelled, .expired:
            let status: JobStatus =
                final.state == .failed ? .failed : (final.state == .cancelled ? .cancelled : .expired)
            _ = try settlement.end(
                session, job: job, as: status, code: "provider_\(final.state.rawValue)", reason: final.failureReason,
                refunded: final.refunded)
        case .queued, .running:
            return
        }
    }

    /// The `spentToDate` difference around a synchronous call is its cost only when no other call
    /// on the same provider overlapped it; otherwise there is no measurement.
    private func measuredCost(
        _ session: PostgresSession, job: JobRecord, before: BalanceSnapshot?, after: BalanceSnapshot?
    ) throws -> Settlement.Measurement? {
        guard let spentBefore = before?.spentToDate, let spentAfter = after?.spentToDate,
            let difference = try? spentAfter.subtracting(spentBefore), difference.micros >= 0,
            let dispatchedAt = job.dispatchedAt
        else { return nil }
        let overlapping: Int64 = try session.queryPrepared(
            """
            SELECT count(*) FROM jobs
            WHERE provider = $1 AND id <> $2 AND dispatched_at IS NOT NULL AND dispatched_at <= now()
              AND (finished_at IS NULL OR finished_at >= $3) AND status <> 'unknown'
            """, [job.provider, job.id, dispatchedAt])[0].decode(0)
        return overlapping == 0 ? Settlement.Measurement(cost: difference, source: "balance_diff") : nil
    }

    /// The provider certainly did not take the job: end it and release the hold. Returns the job
    /// with its transfers.
    func refused(jobID: UUID, code: String, message: String, refunded: Bool) async throws -> JobRecord {
        try await pool.transaction { session in
            guard let job = try JobRows.load(session, id: jobID, forUpdate: true, withTransfers: false) else {
                preconditionFailure("job \(jobID) vanished between its insert and its submission")
            }
            _ = try self.settlement.end(session, job: job, as: .failed, code: code, reason: message, refunded: refunded)
            return try JobRows.load(session, id: jobID) ?? job
        }
    }

    /// The answer was lost: the provider may have the job. Keep the hold, never send it again.
    /// Returns the job with its transfers.
    func lost(jobID: UUID, message: String) async throws -> JobRecord {
        try await pool.transaction { session in
            try session.executePrepared(
                """
                UPDATE jobs SET status = 'unknown', unknown_at = now(), last_error = $2, updated_at = now(),
                       next_poll_at = NULL, lease_owner = NULL, lease_expires_at = NULL
                WHERE id = $1 AND status = 'submitting'
                """, [jobID, String(message.prefix(500))])
            guard let job = try JobRows.load(session, id: jobID) else {
                preconditionFailure("job \(jobID) vanished between its insert and its submission")
            }
            return job
        }
    }
}
