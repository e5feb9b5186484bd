import Foundation

/// Where the job lifecycle reads the time. The poller and the reconciler compare leases,
/// heartbeats, stall and age bounds with it and schedule from it, so a test can move through
/// hours of a provider's silence in a second instead of sleeping through them.
public struct JobClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    /// The wall clock.
    public static let system = JobClock { Date() }

    public var now: Date { read() }
}
