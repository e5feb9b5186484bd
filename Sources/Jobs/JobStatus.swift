/// A job's state (DESIGN.md, Jobs): `submitting` → `queued` → `running` → `completed` |
/// `failed` | `cancelled` | `expired`, plus `unknown` for a submission whose answer was lost.
public enum JobStatus: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Row and hold written; the provider has not answered yet (or, for AIGate, the poller has
    /// not sent it yet).
    case submitting
    case queued
    case running
    case completed
    case failed
    case cancelled
    case expired
    /// The provider may or may not have the job; reconciliation resolves it. Never re-sent.
    case unknown

    /// Terminal states have no open hold (ledger invariant 4).
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .cancelled, .expired: return true
        case .submitting, .queued, .running, .unknown: return false
        }
    }

    public var description: String { rawValue }

    /// The SQL list of terminal states, for statements.
    static let terminalSQL = "('completed', 'failed', 'cancelled', 'expired')"
}
