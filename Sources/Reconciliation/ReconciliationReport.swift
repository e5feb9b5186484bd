import Foundation
import Jobs

/// One reconciliation run and what it found, as stored in `reconciliations` and
/// `reconciliation_findings`.
public struct ReconciliationReport: Sendable, Codable, Equatable {
    public var id: UUID
    public var periodFrom: Date
    public var periodTo: Date
    public var startedAt: Date
    public var finishedAt: Date?
    public var trigger: String
    public var findings: [ReconciliationFinding]
    /// The API token that asked for the run; nil for the schedule and the CLI.
    public var createdBy: String? = nil
}

/// One thing reconciliation found. Amounts are micro-units of `currency`.
public struct ReconciliationFinding: Sendable, Codable, Equatable {
    /// `balance_drift`, `balance_unavailable`, `cost_mismatch`, `hold_open_too_long`,
    /// `unknown_job`, `stalled_job`, `evidence_settled`, `evidence_ambiguous`,
    /// `held_bound_released`, `shortfall`, `invariant_violation`, `live_quote_drift`
    /// (`unknown_resolved` in runs before the long bound replaced the 24-hour release).
    public var kind: String
    /// `info`, `warning` or `error`.
    public var severity: String
    public var provider: String?
    public var jobID: UUID?
    public var currency: String?
    public var expectedMicros: Int64?
    public var observedMicros: Int64?
    public var differenceMicros: Int64?
    public var detail: String

    public init(
        kind: String, severity: String, provider: String? = nil, jobID: UUID? = nil, currency: String? = nil,
        expectedMicros: Int64? = nil, observedMicros: Int64? = nil, differenceMicros: Int64? = nil, detail: String
    ) {
        self.kind = kind
        self.severity = severity
        self.provider = provider
        self.jobID = jobID
        self.currency = currency
        self.expectedMicros = expectedMicros
        self.observedMicros = observedMicros
        self.differenceMicros = differenceMicros
        self.detail = detail
    }
}
