import Foundation
import Postgres
import ProviderRegistry
import Providers

extension Poller {
    /// One leased job: dispatch it (AIGate), mark a lost submit `unknown`, or poll it.
    func process(_ job: JobRecord, provider: ProviderID) async -> PollOutcome {
        do {
            switch job.status {
            case .submitting where job.dispatchedAt == nil && provider.descriptor.isSynchronous:
                return try await dispatch(job, provider: provider)
            case .submitting:
                // Its call went out (or was about to) and the instance waiting for the answer is
                // gone or out of time: the answer is lost. Never sent again.
                return try await markUnknown(job)
            case .queued, .running, .stalled:
                return try await poll(job, provider: provider)
            case .completed, .failed, .cancelled, .expired, .unknown:
                return .skipped
            }
        } catch {
            // A database error: the lease runs out and another round tries again.
            logger.warning("processing a job failed", metadata: ["job": "\(job.id)", "error": "\(error)"])
            return .error
        }
    }

    private func poll(_ job: JobRecord, provider: ProviderID) async throws -> PollOutcome {
        guard let adapter = adapters[provider], let providerJobID = job.providerJobID else {
            return try await stall(job, reason: .noProviderJobID, message: "no provider job id to ask about")
        }
        let handle = ProviderJobHandle(
            providerJobID: providerJobID, model: job.providerModel, downloadURL: job.providerDownloadURL,
            paymentSource: job.paymentSource.flatMap(PaymentSource.init(storedText:)))
        let started = ContinuousClock.now
        let status: ProviderStatus
        do {
            status = try await adapter.status(of: handle)
        } catch {
            JobMetrics.providerError(provider: provider.rawValue, operation: "status", error: error)
            return try await pollFailed(job, provider: provider, error: error)
        }
        JobMetrics.providerCall(provider: provider.rawValue, operation: "status", since: started)
        switch status.state {
        case .completed:
            do {
                return try await settle(job.id, ending: .completed) { session, locked in
                    try self.settlement.complete(session, job: locked, status: status)
                }
            } catch let refusal as SettlementRefusal {
                return try await stall(job, reason: refusal.reason, message: refusal.message)
            }
        case .failed, .cancelled, .expired:
            // The provider's own terminal word: the only thing that fails a job and releases it.
            let final: JobStatus =
                status.state == .failed ? .failed : (status.state == .cancelled ? .cancelled : .expired)
            return try await settle(job.id, ending: final) { session, locked in
                try self.settlement.end(
                    session, job: locked, as: final, code: "provider_\(status.state.rawValue)",
                    reason: status.failureReason,
                    refunded: status.refunded)
            }
        case .queued, .running:
            if isPastMaxAge(job) {
                let limit = configuration.jobAgeMax(job.provider)
                return try await stall(
                    job, reason: .maxAge,
                    message: "still unfinished after \(limit) ms; the provider says \(status.state)")
            }
            return try await progressed(job, state: status.state, etaMilliseconds: status.etaMilliseconds)
        }
    }

    /// The provider answered and the job is still on its way: reschedule, clear any error run,
    /// and bring a stalled job back.
    private func progressed(_ job: JobRecord, state: ProviderJobState, etaMilliseconds: Int64?) async throws
        -> PollOutcome
    {
        let delay = schedule.afterProgress(etaMilliseconds: etaMilliseconds, attempts: job.pollAttempts)
        let running = state == .running
        let now = clock.now
        let updated = try await jobWrites.run(lockOrder: job.id.uuidString) { session in
            try session.queryPrepared(
                """
                UPDATE jobs SET status = CASE WHEN status = 'running' OR $3 THEN 'running' ELSE 'queued' END,
                       running_at = CASE WHEN $3 THEN coalesce(running_at, now()) ELSE running_at END,
                       next_poll_at = $5::timestamptz + $4::float8 * interval '1 millisecond', poll_attempts = poll_attempts + 1,
                       poll_errors_consecutive = 0, poll_errors_since = NULL, last_error = NULL, stalled_at = NULL,
                       stall_reason = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                WHERE id = $1 AND lease_owner = $2 AND status IN ('queued', 'running', 'stalled')
                """, [job.id, self.instanceID, running, delay, now]
            ).affectedRows
        }
        guard updated == 1 else { return .skipped }
        if job.status == .stalled {
            JobMetrics.transition(to: running ? .running : .queued)
        } else if job.status == .queued && running {
            JobMetrics.transition(to: .running)
        }
        return .progressed
    }

    /// A status call without a usable answer. Only a documented refusal of the content ends the
    /// job; anything else (transport, 5xx, 401/403, 404, 410, garbage, status words we do not
    /// know) is retried with backoff and, once the provider has been silent for
    /// `stallAfterMilliseconds`, holds the job as `stalled`.
    private func pollFailed(_ job: JobRecord, provider: ProviderID, error: ProviderError) async throws -> PollOutcome {
        switch error {
        case .contentPolicy(let refunded, let message):
            return try await settle(job.id, ending: .failed) { session, locked in
                try self.settlement.end(
                    session, job: locked, as: .failed, code: "content_policy", reason: message, refunded: refunded)
            }
        case .rateLimited(let seconds?) where seconds > 0:
            let until = ContinuousClock.now + .seconds(min(seconds, 3_600))
            pausedUntil.withLock { $0[provider] = max($0[provider] ?? until, until) }
        default:
            break
        }
        let now = clock.now
        let errors = job.pollErrorsConsecutive + 1
        let silentMilliseconds = (job.pollErrorsSince.map { now.timeIntervalSince($0) } ?? 0) * 1_000
        let stalls =
            job.status == .stalled
            || (errors >= configuration.stallErrorsMin
                && silentMilliseconds >= Double(configuration.stallAfterMilliseconds))
        let retryAfter: Int? = if case .rateLimited(let seconds) = error { seconds } else { nil }
        let delay =
            stalls
            ? schedule.afterStall(unitRandom: Double.random(in: 0..<1))
            : schedule.afterError(
                consecutiveErrors: errors, retryAfterSeconds: retryAfter, unitRandom: Double.random(in: 0..<1))
        let updated = try await jobWrites.run(lockOrder: job.id.uuidString) { session in
            try session.queryPrepared(
                """
                UPDATE jobs SET next_poll_at = $5::timestamptz + $3::float8 * interval '1 millisecond', poll_attempts = poll_attempts + 1,
                       poll_errors_consecutive = poll_errors_consecutive + 1, poll_errors_since = coalesce(poll_errors_since, $5),
                       last_error = $4, status = CASE WHEN $6 THEN 'stalled' ELSE status END,
                       stalled_at = CASE WHEN $6 THEN coalesce(stalled_at, $5) ELSE stalled_at END,
                       stall_reason = CASE WHEN $6 THEN coalesce(stall_reason, $7) ELSE stall_reason END,
                       lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                WHERE id = $1 AND lease_owner = $2 AND status IN ('queued', 'running', 'stalled')
                """,
                [
                    job.id, self.instanceID, delay, "status: \(error.kind)", now, stalls,
                    StallReason.providerSilent.rawValue,
                ]
            ).affectedRows
        }
        guard updated == 1 else { return .skipped }
        guard stalls && job.status != .stalled else { return .error }
        JobMetrics.transition(to: .stalled)
        logger.warning(
            "job stalled: its provider has not given a usable answer; the hold stays",
            metadata: [
                "job": "\(job.id)", "provider": "\(provider.rawValue)", "errors": "\(errors)", "last": "\(error.kind)",
            ])
        return .stalled
    }

    /// Holds the job as `stalled` for a reason the provider's answer gave (past its maximum age,
    /// a cost we will not charge without a look): polled on the long interval, hold kept.
    private func stall(_ job: JobRecord, reason: StallReason, message: String) async throws -> PollOutcome {
        let delay = schedule.afterStall(unitRandom: Double.random(in: 0..<1))
        let now = clock.now
        let updated = try await jobWrites.run(lockOrder: job.id.uuidString) { session in
            try session.queryPrepared(
                """
                UPDATE jobs SET status = 'stalled', stalled_at = coalesce(stalled_at, $3), stall_reason = $4, last_error = $5,
                       next_poll_at = $3::timestamptz + $6::float8 * interval '1 millisecond', poll_attempts = poll_attempts + 1,
                       lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                WHERE id = $1 AND lease_owner = $2 AND status IN ('queued', 'running', 'stalled')
                """, [job.id, self.instanceID, now, reason.rawValue, String(message.prefix(500)), delay]
            ).affectedRows
        }
        guard updated == 1 else { return .skipped }
        if job.status != .stalled {
            JobMetrics.transition(to: .stalled)
            logger.warning(
                "job stalled; the hold stays", metadata: ["job": "\(job.id)", "reason": "\(reason.rawValue)"])
        }
        return .stalled
    }

    /// Runs a settlement step on the locked job in one transaction, committed right after the
    /// step's last statement (the ledger's), so the user's account rows are held no longer; the
    /// outcome is `ending` when the step ended the job, or `skipped` when it had already ended.
    private func settle(
        _ id: UUID, ending: JobStatus, _ step: @escaping @Sendable (PostgresSession, JobRecord) throws -> Bool
    ) async throws -> PollOutcome {
        let ended = try await pool.transaction { session -> Bool in
            guard let locked = try JobRows.load(session, id: id, forUpdate: true, withTransfers: false) else {
                return false
            }
            return try step(session, locked)
        }
        guard ended else { return .skipped }
        JobMetrics.transition(to: ending)
        return PollOutcome(ending)
    }

    private func isPastMaxAge(_ job: JobRecord) -> Bool {
        let since = job.submittedAt ?? job.createdAt
        return clock.now.timeIntervalSince(since) * 1_000 > Double(configuration.jobAgeMax(job.provider))
    }

    private func markUnknown(_ job: JobRecord) async throws -> PollOutcome {
        let now = clock.now
        let updated = try await jobWrites.run(lockOrder: job.id.uuidString) { session in
            try session.queryPrepared(
                """
                UPDATE jobs SET status = 'unknown', unknown_at = $3, updated_at = now(), next_poll_at = NULL,
                       last_error = coalesce(last_error, 'the submit answer was lost with the instance that waited for it'),
                       lease_owner = NULL, lease_expires_at = NULL
                WHERE id = $1 AND lease_owner = $2 AND status = 'submitting'
                """, [job.id, self.instanceID, now]
            ).affectedRows
        }
        guard updated == 1 else { return .skipped }
        JobMetrics.transition(to: .unknown)
        return .markedUnknown
    }

    /// Sends a synchronous provider's job: marked dispatched first (committed), so a crash during
    /// the long call leaves it `unknown`, never sent twice. A balance snapshot just before the
    /// claim gives reconciliation the "before" of the balance movement that a lost answer leaves
    /// as its only evidence. Counted in `dispatchesInFlight`, which a graceful stop drains.
    /// The claim needs the lease unexpired: one that ran out (or that a lifted fence expired) is
    /// leased again through the cap's count, never made live again here.
    private func dispatch(_ job: JobRecord, provider: ProviderID) async throws -> PollOutcome {
        guard let adapter = adapters[provider] else { return .skipped }
        // Read before the claim, so the reading is at or before `dispatched_at`.
        await snapshotBalance(before: job, adapter: adapter)
        let now = clock.now
        let claimed = try await pool.withSession { session in
            try session.queryPrepared(
                """
                UPDATE jobs SET dispatched_at = now(), updated_at = now(),
                       lease_expires_at = $4::timestamptz + $3::float8 * interval '1 millisecond'
                WHERE id = $1 AND lease_owner = $2 AND status = 'submitting' AND dispatched_at IS NULL
                  AND lease_expires_at >= $4::timestamptz
                RETURNING \(JobRecord.columns)
                """, [job.id, self.instanceID, self.configuration.synchronousLeaseMilliseconds, now]
            ).first.map(JobRecord.init(row:))
        }
        guard let claimed else { return .skipped }
        dispatchesInFlight.withLock { $0 += 1 }
        defer { dispatchesInFlight.withLock { $0 -= 1 } }
        let sent = try await JobService.send(claimed, adapter: adapter, provider: provider, recorder: recorder)
        JobMetrics.transition(to: sent.status)
        return sent.status == .submitting || sent.status == .queued ? .dispatched : PollOutcome(sent.status)
    }

    /// Best effort: a provider that does not answer its balance does not stop the job.
    private func snapshotBalance(before job: JobRecord, adapter: any ProviderAdapter) async {
        guard let balance = try? await adapter.balance() else { return }
        _ = try? await pool.withSession { session in
            try ProviderChargeStatements.snapshot(
                session, provider: job.provider, balance: balance, source: "before_dispatch", jobID: job.id)
        }
    }
}
