import Foundation
import Money
import Postgres
import Providers

/// An operator's decision on a job the provider's own answer did not settle.
public enum ManualOutcome: Sendable, Equatable {
    /// The provider did the work: capture `costMicros` (USD micro-units) from the hold.
    case completed(costMicros: Int64)
    /// The provider did not (or refunded): release the hold.
    case failed
}

extension JobService {
    /// Longest reason an operator may give; it is kept with the job.
    public static let resolutionReasonCharactersMax = 1_000

    /// Resolves a job by hand: `completed` with a cost (captured from the hold, any excess
    /// charged from available), or `failed` (hold released). Recorded with who and why, in the
    /// same transaction as the money. For jobs whose money is held (`unknown`, `stalled`) and
    /// jobs in flight; a job that already ended is refused (`notResolvable`).
    public func resolve(id: UUID, outcome: ManualOutcome, by operatorName: String, reason: String) async throws
        -> JobRecord
    {
        do {
            let trimmedReason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...Self.resolutionReasonCharactersMax).contains(trimmedReason.count) else {
                throw JobError.invalidField(
                    field: "reason", problem: trimmedReason.isEmpty ? "missing" : "\(trimmedReason.count) characters",
                    accepted: "1 to \(Self.resolutionReasonCharactersMax) characters")
            }
            guard (1...200).contains(operatorName.count) else {
                throw JobError.invalidField(
                    field: "resolved_by", problem: "empty or too long", accepted: "1 to 200 characters")
            }
            if case .completed(let cost) = outcome, cost < 0 {
                throw JobError.invalidField(field: "cost", problem: "negative", accepted: "zero or more")
            }
            let job = try await pool.transaction { session -> JobRecord in
                guard let job = try JobRows.load(session, id: id, forUpdate: true, withTransfers: false) else {
                    throw JobError.jobNotFound(id)
                }
                guard !job.status.isTerminal else { throw JobError.notResolvable(jobID: id, status: job.status) }
                switch outcome {
                case .completed(let cost):
                    let decided = Settlement.Measurement(cost: Money(micros: cost, currency: .usd), source: "operator")
                    let status = ProviderStatus(providerJobID: job.providerJobID ?? "", state: .completed)
                    _ = try self.settlement.complete(session, job: job, status: status, decided: decided)
                case .failed:
                    _ = try self.settlement.end(
                        session, job: job, as: .failed, code: "operator_failed", reason: trimmedReason, refunded: false)
                }
                let ended = try JobRows.load(session, id: id, withTransfers: false) ?? job
                try self.settlement.recordResolution(
                    session, jobID: id, method: "operator", outcome: ended.status,
                    cost: ended.actualMicros.map { Money(micros: $0, currency: .usd) }, by: operatorName,
                    reason: trimmedReason,
                    evidence: nil)
                guard let full = try JobRows.load(session, id: id) else { throw JobError.jobNotFound(id) }
                return full
            }
            JobMetrics.transition(to: job.status)
            logger.notice(
                "job resolved by hand", metadata: ["job": "\(id)", "outcome": "\(job.status)", "by": "\(operatorName)"])
            return job
        } catch {
            throw JobError.wrap(error)
        }
    }
}
