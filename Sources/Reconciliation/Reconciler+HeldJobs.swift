import Foundation
import Jobs
import Money
import Postgres
import Providers

extension Reconciler {
    /// Held money (`unknown`, `stalled`) is resolved by evidence, never by a timer alone:
    ///
    /// 1. Submits whose answer was lost (their lease ran out, or their instance's heartbeat
    ///    stopped) become `unknown`, as a poller would, for a database no poller watches.
    /// 2. Balance evidence settles held jobs where it is unambiguous (`evidenceFindings`).
    /// 3. Past `heldBoundMilliseconds` (default 7 days, like a card authorisation) the hold is
    ///    released, and that release is itself a finding (`held_bound_released`) and a line in the
    ///    nightly report: the provider may have charged.
    ///
    /// Only providers configured in this instance are resolved: a provider whose credentials are
    /// missing (a failed secret mount) has its held jobs left exactly as they are.
    func resolveHeldJobs() async throws -> [ReconciliationFinding] {
        try await markLostSubmits()
        var findings = try await evidenceFindings()
        findings += try await releasePastTheBound()
        return findings
    }

    private func markLostSubmits() async throws {
        let now = clock.now
        let dead = configuration.heartbeatDeadAfterMilliseconds
        let marked = try await pool.withSession { session in
            try JobRows.markLostSubmits(session, now: now, deadAfterMilliseconds: dead)
        }
        for _ in 0..<marked { JobMetrics.transition(to: .unknown) }
    }

    /// The held jobs of configured providers, oldest first.
    func heldJobs() async throws -> [HeldJob] {
        let providers = adapters.keys.map(\.rawValue).sorted()
        guard !providers.isEmpty else { return [] }
        return try await pool.withSession { session in
            try session.query(
                """
                SELECT j.id, j.provider, j.quoted_micros, coalesce(j.dispatched_at, j.submitted_at, j.created_at), j.status,
                       coalesce(j.unknown_at, j.stalled_at, j.updated_at), pc.amount_micros, pc.currency
                FROM jobs j LEFT JOIN provider_charges pc ON pc.job_id = j.id AND pc.kind = 'precharge'
                WHERE j.status IN ('unknown', 'stalled') AND j.provider = ANY($1::text[])
                ORDER BY 4, 1 LIMIT $2
                """, [providers, Self.findingsPerCheckMax]
            ).map { row in
                HeldJob(
                    id: try row.decode(0), provider: try row.decode(1), quotedMicros: try row.decode(2),
                    sentAt: try row.decode(3),
                    status: try row.decode(4), heldSince: try row.decode(5),
                    prechargeMicros: try row.decodeIfPresent(6),
                    prechargeCurrency: try row.decodeIfPresent(7))
            }
        }
    }

    /// Releases held jobs past the long bound, each with its resolution record and a finding.
    private func releasePastTheBound() async throws -> [ReconciliationFinding] {
        let bound = configuration.heldBoundMilliseconds
        let now = clock.now
        let due = try await heldJobs().filter { now.timeIntervalSince($0.heldSince) * 1_000 > Double(bound) }
        var findings: [ReconciliationFinding] = []
        for held in due {
            let reason =
                "held \(held.status) for over \(bound) ms without evidence; hold released, the provider may have charged"
            let ended = try await pool.transaction { session -> JobRecord? in
                guard let job = try JobRows.load(session, id: held.id, forUpdate: true, withTransfers: false),
                    job.status.isHeldForEvidence
                else { return nil }
                guard
                    try self.settlement.end(
                        session, job: job, as: .expired, code: "held_bound", reason: reason, refunded: false)
                else {
                    return nil
                }
                try self.settlement.recordResolution(
                    session, jobID: job.id, method: "bound", outcome: .expired, cost: nil, by: "reconciliation",
                    reason: reason,
                    evidence: nil)
                return job
            }
            guard let job = ended else { continue }
            JobMetrics.transition(to: .expired)
            findings.append(
                ReconciliationFinding(
                    kind: "held_bound_released", severity: "error", provider: job.provider, jobID: job.id,
                    currency: job.currency,
                    expectedMicros: job.quotedMicros, detail: reason))
        }
        return findings
    }
}

/// A job whose money is held until there is evidence.
struct HeldJob: Sendable {
    let id: UUID
    let provider: String
    let quotedMicros: Int64
    /// When its call went out (or it was recorded): the start of its evidence window.
    let sentAt: Date
    let status: String
    /// When it became `unknown` or `stalled`: the long bound counts from here.
    let heldSince: Date
    /// What we recorded the provider took at submit, if anything (a stalled NanoGPT, Venice or
    /// AIMO job): its movement is already explained.
    let prechargeMicros: Int64?
    let prechargeCurrency: String?
}
