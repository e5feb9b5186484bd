/// A job's state: `submitting` → `queued` → `running` → `completed` | `failed` | `cancelled` |
/// `expired`, plus two held states whose money stays reserved until there is evidence:
/// `unknown` (the submission's answer was lost) and `stalled` (the provider stopped giving a
/// usable answer). Only a provider's own terminal word fails a job; a held job ends by the
/// provider's later answer, by reconciliation evidence, by an operator's recorded resolution, or
/// by the long bound, which is itself reported.
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
    /// The provider has the job but has not given a usable answer for a while (transport errors,
    /// 5xx, 401/403, 404, status words we do not know, garbage, or past its maximum age). Polled
    /// on a long backoff; the hold stays.
    case stalled

    /// Terminal states have no open hold (ledger invariant 4).
    public var isTerminal: Bool {
        switch self {
        case .completed, .failed, .cancelled, .expired: return true
        case .submitting, .queued, .running, .unknown, .stalled: return false
        }
    }

    /// Held until evidence: not in flight in the ordinary sense, never released by a short timer.
    public var isHeldForEvidence: Bool { self == .unknown || self == .stalled }

    public var description: String { rawValue }

    /// The SQL list of terminal states, for statements.
    static let terminalSQL = "('completed', 'failed', 'cancelled', 'expired')"
}
