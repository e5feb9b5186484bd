import Synchronization

/// The answer of `work`, or `fallback` once `timeoutMilliseconds` have passed, whichever comes
/// first.
///
/// Why not a task group: a blocking call behind `work` (libpq on a connection's own thread)
/// cannot be cancelled, and a group would wait for it. Here the caller is answered at the
/// deadline and `work` finishes on its own; its late answer is dropped.
public func firstAnswer<T: Sendable>(
    withinMilliseconds timeoutMilliseconds: Int, orElse fallback: T,
    _ work: @escaping @Sendable () async -> T
) async -> T {
    precondition(timeoutMilliseconds >= 0, "a deadline cannot be negative")
    let race = FirstAnswerRace<T>()
    let answer = await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
        race.wait(continuation)
        Task { race.give(await work()) }
        race.setDeadline(
            Task {
                try? await Task.sleep(for: .milliseconds(timeoutMilliseconds))
                if !Task.isCancelled { race.give(fallback) }
            })
    }
    race.cancelDeadline()
    return answer
}

/// Resumes one continuation with the first of two answers (the work or the deadline).
private final class FirstAnswerRace<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, Never>?>(nil)
    private let deadline = Mutex<Task<Void, Never>?>(nil)

    func wait(_ continuation: CheckedContinuation<T, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func give(_ answer: T) {
        let waiting = continuation.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }
        waiting?.resume(returning: answer)
    }

    func setDeadline(_ task: Task<Void, Never>) {
        deadline.withLock { $0 = task }
    }

    func cancelDeadline() {
        deadline.withLock { $0 }?.cancel()
    }
}
