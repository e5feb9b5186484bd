/// A job's state at its provider, in VideoLedger's words. Only `completed` may be captured;
/// `failed`, `cancelled` and `expired` end with the hold released (less any provider charge).
public enum ProviderJobState: String, Sendable, Equatable {
    case queued
    case running
    case completed
    case failed
    case cancelled
    case expired

    public var isTerminal: Bool {
        switch self {
        case .queued, .running: return false
        case .completed, .failed, .cancelled, .expired: return true
        }
    }
}
