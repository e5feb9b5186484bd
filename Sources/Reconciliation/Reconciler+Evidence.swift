import Basics
import Foundation
import Jobs
import Money
import Postgres
import ProviderRegistry
import Providers

extension Reconciler {
    /// Settles held jobs on the evidence of a provider's balance, where it is unambiguous.
    ///
    /// Per provider: take the newest balance reading at or before the oldest held job's call
    /// (`s0`) and the newest reading after it (`s1`), in one series (a spent-to-date counter if
    /// the provider keeps one, else the available balance; USD or USDC). The movement between
    /// them, less the charges we recorded in between, is what our records do not explain. Two
    /// hypotheses are tested against it, each only where the balance can tell it apart from
    /// "still rendering":
    ///
    /// - **completed**: every held job was charged its quote (a job whose precharge we already
    ///   recorded adds nothing, so a stalled prepaid job cannot be shown completed this way);
    /// - **not charged**: a prepaid job's precharge came back (a refund), or a job with nothing
    ///   recorded left no trace by `noChargeEvidenceAfterMilliseconds` after its call, at a
    ///   provider that charges at submit or during a synchronous call.
    ///
    /// Exactly one hypothesis within `evidenceToleranceBasisPoints` of the unexplained movement,
    /// and the two clearly apart, settles every held job of the provider that way, recording the
    /// evidence. Anything else with unexplained money is reported as `evidence_ambiguous` and the
    /// money stays held. Readings taken while other jobs of the provider were in flight are not
    /// used at all (see `isQuiet`): a busy provider's held jobs wait for a quiet moment, an
    /// operator, or the long bound.
    func evidenceFindings() async throws -> [ReconciliationFinding] {
        var byProvider: [String: [HeldJob]] = [:]
        for job in try await heldJobs() { byProvider[job.provider, default: []].append(job) }
        var findings: [ReconciliationFinding] = []
        for (provider, jobs) in byProvider.sorted(by: { $0.key < $1.key }) {
            guard let providerID = ProviderID(rawValue: provider),
                let window = try await balanceWindow(provider, jobs: jobs)
            else { continue }
            let candidates = jobs.filter {
                $0.sentAt < window.s1At && ($0.prechargeCurrency ?? window.currency) == window.currency
            }
            guard !candidates.isEmpty,
                try await isQuiet(provider, around: [window.s0At, window.s1At], except: candidates.map(\.id))
            else { continue }
            let verdict = judge(
                candidates, window: window, billing: providerID.descriptor.billing,
                synchronous: providerID.descriptor.isSynchronous)
            findings += try await apply(verdict, candidates, provider: provider, window: window)
        }
        return findings
    }

    /// True when no job of the provider other than `except` was in flight within
    /// `evidenceQuietMarginMilliseconds` of any of `instants`. Only then does the movement between
    /// two readings belong to the held jobs alone: a money event of another job near a reading
    /// (the provider's side and our record of it are seconds apart under load) could otherwise
    /// fall on one side of the reading and its record on the other, and with prices equal to
    /// quotes that error is exactly one quote: the kind of coincidence that would settle a job
    /// the provider refunded.
    private func isQuiet(_ provider: String, around instants: [Date], except: [UUID]) async throws -> Bool {
        let margin = configuration.evidenceQuietMarginMilliseconds
        return try await pool.withSession { session in
            for instant in instants {
                let busy: Int64 = try session.query(
                    """
                    SELECT count(*) FROM jobs
                    WHERE provider = $1 AND id <> ALL($2::uuid[])
                      AND coalesce(dispatched_at, submitted_at, created_at) <= $3::timestamptz + $4::float8 * interval '1 millisecond'
                      AND (finished_at IS NULL OR finished_at >= $3::timestamptz - $4::float8 * interval '1 millisecond')
                    """, [provider, except, instant, margin])[0].decode(0)
                if busy > 0 { return false }
            }
            return true
        }
    }

    /// What the evidence says about a provider's held jobs.
    enum EvidenceVerdict: Equatable {
        case completed, notCharged
        /// Unexplained money that no hypothesis matches.
        case ambiguous(String)
        /// Nothing unexplained and nothing decisive yet: wait.
        case none
    }

    func judge(_ jobs: [HeldJob], window: BalanceWindow, billing: ProviderBilling, synchronous: Bool) -> EvidenceVerdict
    {
        let unexplained = window.unexplainedMicros
        let ifCompleted = jobs.map { $0.prechargeMicros == nil ? $0.quotedMicros : nil }
        let noTraceCounts = billing != .atCompletion || synchronous
        let ifNotCharged = jobs.map { job -> Int64? in
            if let precharge = job.prechargeMicros { return -precharge }
            let elapsed = window.s1At.timeIntervalSince(job.sentAt) * 1_000
            return noTraceCounts && elapsed >= Double(configuration.noChargeEvidenceAfterMilliseconds) ? 0 : nil
        }
        let completedSum = Self.sum(ifCompleted)
        let notChargedSum = Self.sum(ifNotCharged)
        let scale = max(completedSum.map(\.magnitude) ?? 0, notChargedSum.map(\.magnitude) ?? 0)
        let tolerance = max(
            configuration.balanceToleranceMicros,
            Int64(clamping: Int128(scale) * Int128(configuration.evidenceToleranceBasisPoints) / 10_000))
        func matches(_ sum: Int64?) -> Bool {
            sum.map { Int128(unexplained) - Int128($0) }.map { $0.magnitude <= tolerance } ?? false
        }
        let apart =
            completedSum.flatMap { c in
                notChargedSum.map { n in (Int128(c) - Int128(n)).magnitude > 2 * UInt128(tolerance) }
            } ?? true
        switch (matches(completedSum), matches(notChargedSum)) {
        case (true, false) where apart: return .completed
        case (false, true) where apart: return .notCharged
        default:
            guard unexplained.magnitude > tolerance else { return .none }
            return .ambiguous(
                "unexplained \(unexplained) micro-units; all completed would be \(completedSum.map(String.init) ?? "unknowable"), "
                    + "none charged \(notChargedSum.map(String.init) ?? "unknowable") (tolerance \(tolerance))")
        }
    }

    /// A sum of evidential movements; nil when any job's movement says nothing.
    static func sum(_ movements: [Int64?]) -> Int64? {
        var total: Int64 = 0
        for movement in movements {
            guard let movement else { return nil }
            let (next, overflow) = total.addingReportingOverflow(movement)
            guard !overflow else { return nil }
            total = next
        }
        return total
    }

    private func apply(
        _ verdict: EvidenceVerdict, _ jobs: [HeldJob], provider: String, window: BalanceWindow
    ) async throws -> [ReconciliationFinding] {
        switch verdict {
        case .none:
            return []
        case .ambiguous(let detail):
            return [
                ReconciliationFinding(
                    kind: "evidence_ambiguous", severity: "warning", provider: provider, currency: window.currency,
                    expectedMicros: nil, observedMicros: window.unexplainedMicros,
                    detail: "\(jobs.count) held jobs; \(detail); money stays held")
            ]
        case .completed, .notCharged:
            var findings: [ReconciliationFinding] = []
            let evidence = window.evidenceJSON(
                verdict: verdict == .completed ? "completed" : "not_charged", jobs: jobs.map(\.id))
            for held in jobs {
                guard let job = try await settleOnEvidence(held, completed: verdict == .completed, evidence: evidence)
                else { continue }
                findings.append(
                    ReconciliationFinding(
                        kind: "evidence_settled", severity: "warning", provider: provider, jobID: job.id,
                        currency: window.currency,
                        expectedMicros: held.quotedMicros, observedMicros: window.unexplainedMicros,
                        detail:
                            "\(job.status) on balance evidence: \(window.measure) moved \(window.observedMicros), recorded charges "
                            + "explain \(window.recordedMicros), between \(window.s0At) and \(window.s1At)"))
            }
            return findings
        }
    }

    /// Ends one held job as the evidence says, with its resolution record, in one transaction.
    private func settleOnEvidence(_ held: HeldJob, completed: Bool, evidence: String) async throws -> JobRecord? {
        let ended = try await pool.transaction { session -> JobRecord? in
            guard let job = try JobRows.load(session, id: held.id, forUpdate: true, withTransfers: false),
                job.status.isHeldForEvidence
            else { return nil }
            if completed {
                let status = ProviderStatus(providerJobID: job.providerJobID ?? "", state: .completed)
                guard try self.settlement.complete(session, job: job, status: status) else { return nil }
            } else {
                let reason =
                    held.prechargeMicros == nil ? "no charge seen at the provider" : "the provider's refund was seen"
                guard
                    try self.settlement.end(
                        session, job: job, as: .failed, code: "evidence_not_charged", reason: reason,
                        refunded: held.prechargeMicros != nil)
                else { return nil }
            }
            let after = try JobRows.load(session, id: job.id, withTransfers: false) ?? job
            try self.settlement.recordResolution(
                session, jobID: job.id, method: "evidence", outcome: after.status,
                cost: after.actualMicros.map { Money(micros: $0, currency: .usd) }, by: "reconciliation",
                reason: completed ? "balance movement matched the quote" : "balance showed no charge",
                evidence: evidence)
            return after
        }
        if let ended { JobMetrics.transition(to: ended.status) }
        return ended
    }

    /// The balance readings around a provider's held jobs, in the first series that has a
    /// reading at or before the oldest job's call and one after it.
    private func balanceWindow(_ provider: String, jobs: [HeldJob]) async throws -> BalanceWindow? {
        guard let start = jobs.map(\.sentAt).min() else { return nil }
        return try await pool.withSession { session -> BalanceWindow? in
            guard
                let row = try session.query(
                    """
                    SELECT c.currency, c.measure, s0.balance_micros, s0.taken_at, s1.balance_micros, s1.taken_at
                    FROM (VALUES ('USD', 'spent_to_date', 1), ('USDC', 'spent_to_date', 2), ('USD', 'available', 3),
                                 ('USDC', 'available', 4)) AS c (currency, measure, preference)
                    CROSS JOIN LATERAL (SELECT balance_micros, taken_at FROM provider_balance_snapshots s
                                        WHERE s.provider = $1 AND s.currency = c.currency AND s.measure = c.measure AND s.taken_at <= $2
                                        ORDER BY s.taken_at DESC, s.id DESC LIMIT 1) s0
                    CROSS JOIN LATERAL (SELECT balance_micros, taken_at FROM provider_balance_snapshots s
                                        WHERE s.provider = $1 AND s.currency = c.currency AND s.measure = c.measure AND s.taken_at > $2
                                        ORDER BY s.taken_at DESC, s.id DESC LIMIT 1) s1
                    ORDER BY c.preference LIMIT 1
                    """, [provider, start]
                ).first
            else { return nil }
            let currency: String = try row.decode(0)
            let measure: String = try row.decode(1)
            let s0At: Date = try row.decode(3)
            let s1At: Date = try row.decode(5)
            let recorded: Int64 = try session.query(
                """
                SELECT coalesce(sum(amount_micros), 0)::bigint FROM provider_charges
                WHERE provider = $1 AND currency = $2 AND recorded_at > $3 AND recorded_at <= $4
                """, [provider, currency, s0At, s1At])[0].decode(0)
            return BalanceWindow(
                currency: currency, measure: measure, s0Micros: try row.decode(2), s0At: s0At,
                s1Micros: try row.decode(4), s1At: s1At,
                recordedMicros: recorded)
        }
    }
}

/// Two balance readings of one provider series and the charges we recorded between them.
struct BalanceWindow: Sendable, Equatable {
    let currency: String
    /// `spent_to_date` (grows with charges) or `available` (shrinks with them).
    let measure: String
    let s0Micros: Int64
    let s0At: Date
    let s1Micros: Int64
    let s1At: Date
    let recordedMicros: Int64

    /// What the provider took between the readings, as a charge (positive) or refund (negative).
    var observedMicros: Int64 {
        let (moved, overflow) =
            measure == "spent_to_date"
            ? s1Micros.subtractingReportingOverflow(s0Micros) : s0Micros.subtractingReportingOverflow(s1Micros)
        return overflow ? Int64.max : moved
    }

    /// What our records do not explain.
    var unexplainedMicros: Int64 { observedMicros.subtractingReportingOverflow(recordedMicros).partialValue }

    /// The evidence, as stored with each resolution it decided.
    func evidenceJSON(verdict: String, jobs: [UUID]) -> String {
        let ids = jobs.map { "\"\($0.uuidString.lowercased())\"" }.joined(separator: ",")
        return "{\"verdict\":\"\(verdict)\",\"currency\":\"\(currency)\",\"measure\":\"\(measure)\","
            + "\"s0_micros\":\(s0Micros),\"s0_at\":\"\(ISO8601DateFormatter().string(from: s0At))\","
            + "\"s1_micros\":\(s1Micros),\"s1_at\":\"\(ISO8601DateFormatter().string(from: s1At))\","
            + "\"recorded_micros\":\(recordedMicros),\"unexplained_micros\":\(unexplainedMicros),\"jobs\":[\(ids)]}"
    }
}
