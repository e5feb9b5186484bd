/// When to poll a job next. Pure: the poller passes the random draw, so tests fix it.
///
/// - A provider ETA is followed (with 10 % slack so the poll lands after the finish, not before).
/// - Without one, the interval grows by half with each poll, from the minimum to the maximum: a
///   slow job costs few polls, a fast one is seen soon.
/// - After an error the delay doubles per consecutive error from `errorBackoffMillisecondsBase`,
///   with jitter in [½, 1] of it, so jobs that failed together do not retry together.
/// - A `Retry-After` is a floor under all of that.
/// Every result is clamped to [pollIntervalMillisecondsMin, pollIntervalMillisecondsMax], except
/// that `Retry-After` may exceed the maximum: the provider asked.
struct PollSchedule: Sendable {
    let configuration: JobsConfiguration

    /// After an answer that leaves the job running. `attempts` counts polls so far.
    func afterProgress(etaMilliseconds: Int64?, attempts: Int) -> Int {
        if let eta = etaMilliseconds, eta > 0 {
            return clamp(Int(min(eta, Int64(Int32.max))) / 10 * 11)
        }
        var interval = Double(configuration.pollIntervalMillisecondsMin)
        for _ in 0..<min(max(0, attempts), 32) { interval *= 1.5 }
        return clamp(Int(min(interval, Double(configuration.pollIntervalMillisecondsMax))))
    }

    /// After a failed poll. `consecutiveErrors` counts this one; `unitRandom` is in [0, 1).
    func afterError(consecutiveErrors: Int, retryAfterSeconds: Int?, unitRandom: Double) -> Int {
        precondition(consecutiveErrors >= 1, "an error delay needs at least one error")
        precondition(unitRandom >= 0 && unitRandom < 1, "unitRandom must be in [0, 1)")
        let exponent = min(consecutiveErrors - 1, 20)
        let backoff = min(
            configuration.errorBackoffMillisecondsBase << exponent, configuration.pollIntervalMillisecondsMax)
        let jittered = clamp(Int(Double(backoff) * (0.5 + unitRandom / 2)))
        guard let seconds = retryAfterSeconds, seconds > 0 else { return jittered }
        return max(jittered, min(seconds, 3_600) * 1_000)
    }

    /// The next poll of a stalled job: the long interval, with ±10 % jitter so jobs that stalled
    /// together (one provider outage) are not asked again all at once.
    func afterStall(unitRandom: Double) -> Int {
        precondition(unitRandom >= 0 && unitRandom < 1, "unitRandom must be in [0, 1)")
        let interval = Double(configuration.stalledPollIntervalMilliseconds)
        return max(configuration.pollIntervalMillisecondsMin, Int(interval * (0.9 + unitRandom / 5)))
    }

    private func clamp(_ milliseconds: Int) -> Int {
        min(max(milliseconds, configuration.pollIntervalMillisecondsMin), configuration.pollIntervalMillisecondsMax)
    }
}
