import Foundation
import Postgres
import Providers

extension Poller {
    /// One leased job: dispatch it (AIGate), give up on a lost submit, or poll it.
    func process(_ job: JobRecord, provider: Providers.ProviderID) async -> PollOutcome {
        do {
            switch job.status {
            case .submitting where job.dispatchedAt == nil && provider.isSynchronous:
                return try await dispatch(job, provider: provider)
            case .submitting:
                // Its submit lease ran out with the call sent (or about to be): the answer was
                // lost with the process that waited for it. Never sent again.
                return try await markUnknown(job)
            case .queued, .running:
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

    private func poll(_ job: JobRecord, provider: Providers.ProviderID) async throws -> PollOutcome {
        guard let adapter = adapters[provider], let providerJobID = job.providerJobID else { return try await markUnknown(job) }
        let handle = ProviderJobHandle(providerJobID: providerJobID, model: job.providerModel, downloadURL: job.providerDownloadURL)
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
            return try await settle(job.id) { session, locked in try self.settlement.complete(session, job: locked, status: status) }
        case .failed, .cancelled, .expired:
            let final: JobStatus = status.state == .failed ? .failed : (status.state == .cancelled ? .cancelled : .expired)
            return try await settle(job.id) { session, locked in
                try self.settlement.end(
                    session, job: locked, as: final, code: "provider_\(status.state.rawValue)", reason: status.failureReason,
                    refunded: status.refunded)
            }
        case .queued, .running:
            if isPastMaxAge(job) { return try await expire(job) }
            let delay = schedule.afterProgress(etaMilliseconds: status.etaMilliseconds, attempts: job.pollAttempts)
            let updated = try await pool.withSession { session in
                try session.execute(
                    """
                    UPDATE jobs SET status = CASE WHEN status = 'running' OR $3 = 'running' THEN 'running' ELSE 'queued' END,
                           running_at = CASE WHEN $3 = 'running' THEN coalesce(running_at, now()) ELSE running_at END,
                           next_poll_at = now() + $4::float8 * interval '1 millisecond', poll_attempts = poll_attempts + 1,
                           poll_errors_consecutive = 0, last_error = NULL, lease_owner = NULL, lease_expires_at = NULL,
                           updated_at = now()
                    WHERE id = $1 AND lease_owner = $2 AND status IN ('queued', 'running')
                    """, [job.id, self.instanceID, status.state == .running ? "running" : "queued", delay])
            }
            if updated == 1 && job.status == .queued && status.state == .running { JobMetrics.transition(to: .running) }
            return updated == 1 ? .progressed : .skipped
        }
    }

    /// What a failed status call means: some errors end the job, the rest retry with backoff.
    private func pollFailed(_ job: JobRecord, provider: Providers.ProviderID, error: ProviderError) async throws -> PollOutcome {
        let errors = job.pollErrorsConsecutive + 1
        switch error {
        case .contentPolicy(let refunded, let message):
            return try await settle(job.id) { session, locked in
                try self.settlement.end(session, job: locked, as: .failed, code: "content_policy", reason: message, refunded: refunded)
            }
        case .expired(let message):
            return try await settle(job.id) { session, locked in
                try self.settlement.end(session, job: locked, as: .expired, code: "provider_expired", reason: message, refunded: false)
            }
        case .notFound(let message) where errors >= configuration.notFoundConsecutiveMax:
            return try await settle(job.id) { session, locked in
                try self.settlement.end(
                    session, job: locked, as: .failed, code: "provider_not_found", reason: message ?? "the provider does not know the job",
                    refunded: false)
            }
        case .rateLimited(let seconds?) where seconds > 0:
            let until = ContinuousClock.now + .seconds(min(seconds, 3_600))
            pausedUntil.withLock { $0[provider] = max($0[provider] ?? until, until) }
        default:
            break
        }
        if errors >= configuration.pollErrorsConsecutiveMax {
            return try await settle(job.id) { session, locked in
                try self.settlement.end(
                    session, job: locked, as: .failed, code: "poll_errors",
                    reason: "\(errors) polls failed in a row; last: \(error.kind)", refunded: false)
            }
        }
        if isPastMaxAge(job) { return try await expire(job) }
        let retryAfter: Int? = if case .rateLimited(let seconds) = error { seconds } else { nil }
        let delay = schedule.afterError(consecutiveErrors: errors, retryAfterSeconds: retryAfter, unitRandom: Double.random(in: 0..<1))
        let updated = try await pool.withSession { session in
            try session.execute(
                """
                UPDATE jobs SET next_poll_at = now() + $3::float8 * interval '1 millisecond', poll_attempts = poll_attempts + 1,
                       poll_errors_consecutive = poll_errors_consecutive + 1, last_error = $4, lease_owner = NULL,
                       lease_expires_at = NULL, updated_at = now()
                WHERE id = $1 AND lease_owner = $2 AND status IN ('queued', 'running')
                """, [job.id, self.instanceID, delay, "status: \(error.kind)"])
        }
        return updated == 1 ? .error : .skipped
    }

    /// Runs a settlement step on the locked job in one transaction; the outcome is the job's
    /// state after, or `skipped` when it had already ended.
    private func settle(
        _ id: UUID, _ step: @escaping @Sendable (PostgresSession, JobRecord) throws -> Bool
    ) async throws -> PollOutcome {
        let final = try await pool.transaction { session -> JobStatus? in
            guard let locked = try JobStore.load(session, id: id, forUpdate: true, withTransfers: false) else { return nil }
            guard try step(session, locked) else { return nil }
            return try JobStore.load(session, id: id, withTransfers: false)?.status
        }
        guard let final else { return .skipped }
        JobMetrics.transition(to: final)
        return PollOutcome(final)
    }

    private func isPastMaxAge(_ job: JobRecord) -> Bool {
        let since = job.submittedAt ?? job.createdAt
        return Date().timeIntervalSince(since) * 1_000 > Double(configuration.jobAgeMax(job.provider))
    }

    /// A job that outlived its provider's maximum age: expired, hold released.
    private func expire(_ job: JobRecord) async throws -> PollOutcome {
        let limit = configuration.jobAgeMax(job.provider)
        return try await settle(job.id) { session, locked in
            try self.settlement.end(
                session, job: locked, as: .expired, code: "max_age", reason: "still unfinished after \(limit) ms", refunded: false)
        }
    }

    private func markUnknown(_ job: JobRecord) async throws -> PollOutcome {
        let updated = try await pool.withSession { session in
            try session.execute(
                """
                UPDATE jobs SET status = 'unknown', unknown_at = now(), updated_at = now(), next_poll_at = NULL,
                       last_error = coalesce(last_error, 'the submit answer was lost: its lease ran out'),
                       lease_owner = NULL, lease_expires_at = NULL
                WHERE id = $1 AND lease_owner = $2 AND status = 'submitting'
                """, [job.id, self.instanceID])
        }
        guard updated == 1 else { return .skipped }
        JobMetrics.transition(to: .unknown)
        return .markedUnknown
    }

    /// Sends a synchronous provider's job: marked dispatched first (committed), so a crash during
    /// the long call leaves it `unknown`, never sent twice.
    private func dispatch(_ job: JobRecord, provider: Providers.ProviderID) async throws -> PollOutcome {
        guard let adapter = adapters[provider] else { return .skipped }
        let claimed = try await pool.withSession { session in
            try session.query(
                """
                UPDATE jobs SET dispatched_at = now(), updated_at = now(),
                       lease_expires_at = now() + $3::float8 * interval '1 millisecond'
                WHERE id = $1 AND lease_owner = $2 AND status = 'submitting' AND dispatched_at IS NULL
                RETURNING \(JobRecord.columns)
                """, [job.id, self.instanceID, self.configuration.synchronousLeaseMilliseconds]
            ).first.map(JobRecord.init(row:))
        }
        guard let claimed else { return .skipped }
        let sent = try await JobService.send(claimed, adapter: adapter, provider: provider, recorder: recorder)
        JobMetrics.transition(to: sent.status)
        return sent.status == .submitting || sent.status == .queued ? .dispatched : PollOutcome(sent.status)
    }
}
