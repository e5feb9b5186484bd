/// What one poll round did, for `videoledger poll --once`, tests and the benchmark.
public struct PollRound: Sendable, Equatable, CustomStringConvertible {
    /// Jobs leased this round.
    public var leased = 0
    /// Polls whose job is still running: rescheduled.
    public var progressed = 0
    public var completed = 0
    public var failed = 0
    public var cancelled = 0
    public var expired = 0
    /// `submitting` jobs whose submit lease ran out with the call sent: now `unknown`.
    public var markedUnknown = 0
    /// Synchronous (AIGate) jobs sent this round.
    public var dispatched = 0
    /// Polls that failed (transport, 5xx, 429, garbage): rescheduled with backoff.
    public var errors = 0
    /// Jobs held as `stalled` this round (or polled again while stalled, without an answer).
    public var stalled = 0
    /// Leased jobs someone else had already moved on.
    public var skipped = 0
    public var durationMilliseconds = 0

    public init() {}

    mutating func add(_ outcome: PollOutcome) {
        switch outcome {
        case .progressed: progressed += 1
        case .completed: completed += 1
        case .failed: failed += 1
        case .cancelled: cancelled += 1
        case .expired: expired += 1
        case .markedUnknown: markedUnknown += 1
        case .dispatched: dispatched += 1
        case .error: errors += 1
        case .stalled: stalled += 1
        case .skipped: skipped += 1
        }
    }

    public var description: String {
        "leased \(leased): completed \(completed), failed \(failed), cancelled \(cancelled), expired \(expired), "
            + "running \(progressed), dispatched \(dispatched), unknown \(markedUnknown), stalled \(stalled), errors \(errors), "
            + "skipped \(skipped) "
            + "in \(durationMilliseconds) ms"
    }
}

/// What processing one leased job came to.
enum PollOutcome: Sendable, Equatable {
    case progressed, completed, failed, cancelled, expired, markedUnknown, dispatched, error, stalled, skipped

    init(_ status: JobStatus) {
        switch status {
        case .completed: self = .completed
        case .failed: self = .failed
        case .cancelled: self = .cancelled
        case .expired: self = .expired
        case .unknown: self = .markedUnknown
        case .stalled: self = .stalled
        case .submitting, .queued, .running: self = .progressed
        }
    }
}
