import Basics
import Foundation
import Jobs
import Logging
import Postgres
import ServiceLifecycle

/// Reconciliation on a schedule inside `videoledger serve`: once per `intervalMilliseconds`
/// period for the whole service, however many instances run. Periods are aligned to the epoch
/// (an hourly schedule covers 10:00-11:00, then 11:00-12:00); at each boundary every instance
/// tries to claim the period that just ended (`scheduled_reconciliations`), and only the one
/// whose insert wins reconciles it. Returns normally on graceful shutdown.
///
/// If the claiming instance dies mid-run, that period is not reconciled again: the next one
/// covers its own period, and everything reconciliation resolves (held jobs, evidence) is
/// looked at afresh on every run.
public struct ReconcilerService: Service {
    public let reconciler: Reconciler
    public let intervalMilliseconds: Int
    let instanceID: String
    let logger: Logger

    public init(
        reconciler: Reconciler, intervalMilliseconds: Int = 3_600_000, instanceID: String = JobService.makeInstanceID(),
        logger: Logger = Logger(label: "videoledger.reconciler")
    ) {
        precondition(intervalMilliseconds >= 1_000, "reconcile at most once a second")
        self.reconciler = reconciler
        self.intervalMilliseconds = intervalMilliseconds
        self.instanceID = instanceID
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let period = Self.period(endingBefore: Date(), intervalMilliseconds: intervalMilliseconds)
                let wait = period.end.addingTimeInterval(Double(intervalMilliseconds) / 1_000).timeIntervalSinceNow
                do {
                    try await Task.sleep(for: .milliseconds(max(1, Int(wait * 1_000))))
                } catch {
                    return
                }
                await runIfClaimed(Self.period(endingBefore: Date(), intervalMilliseconds: intervalMilliseconds))
            }
        }
    }

    /// Reconciles `period` when this instance is the first to claim it.
    func runIfClaimed(_ period: (start: Date, end: Date)) async {
        do {
            guard try await claim(period.start) else { return }
            _ = try await reconciler.run(from: period.start, to: period.end, trigger: "schedule")
        } catch {
            logger.error("scheduled reconciliation failed", metadata: ["error": "\(error)"])
        }
    }

    /// True when this instance's claim on the period is the one that counts.
    func claim(_ start: Date) async throws -> Bool {
        let owner = instanceID
        return try await reconciler.pool.withSession { session in
            try session.execute(
                "INSERT INTO scheduled_reconciliations (period_start, claimed_by) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                [start, owner]) == 1
        }
    }

    /// The last whole period that ended at or before `now`.
    static func period(endingBefore now: Date, intervalMilliseconds: Int) -> (start: Date, end: Date) {
        let end = ClockPeriods.latestBoundary(atOrBefore: now, intervalMilliseconds: intervalMilliseconds)
        return (end.addingTimeInterval(-Double(intervalMilliseconds) / 1_000), end)
    }
}
