import Foundation

/// Periods of a fixed length aligned to the epoch (an hourly period is 10:00-11:00), so every
/// instance of the service names the same periods whenever it started: what lets instances
/// claim a period once between them (scheduled reconciliation, scorecard refreshes).
public enum ClockPeriods {
    /// The latest period boundary at or before `now`: a whole number of periods since the epoch.
    public static func latestBoundary(atOrBefore now: Date, intervalMilliseconds: Int) -> Date {
        precondition(intervalMilliseconds > 0, "a period has a length")
        let nowMilliseconds = Int64((now.timeIntervalSince1970 * 1_000).rounded(.down))
        let interval = Int64(intervalMilliseconds)
        return Date(timeIntervalSince1970: Double(nowMilliseconds / interval * interval) / 1_000)
    }
}
