import Foundation
import Postgres
import Synchronization

/// Tells a running poller loop to stop leasing and wind down.
public final class StopSignal: Sendable {
    private let stopped = Mutex(false)

    public init() {}

    public func stop() { stopped.withLock { $0 = true } }

    public var isStopped: Bool { stopped.withLock { $0 } }
}

extension Poller {
    /// How often the loop refreshes the jobs-by-state gauge.
    static let gaugeRefreshMilliseconds = 30_000

    /// Polls until `stop` (or task cancellation): leases whatever its providers have capacity
    /// for, works each job in a child task, sleeps a tick unless a lease batch came back full,
    /// and heartbeats.
    ///
    /// On stop it drains: no new leases; polls in flight get `shutdownGraceMilliseconds`,
    /// synchronous provider calls (AIGate, which charges during the call) get
    /// `synchronousDrainMilliseconds`, and the heartbeat goes on meanwhile so no sibling takes
    /// them over. What is still running at its deadline is cancelled (a cancelled poll only
    /// leaves its lease; a cancelled synchronous call leaves its job `unknown`, its hold kept).
    /// Then it releases its leases and marks the instance stopped.
    public func run(until stop: StopSignal) async {
        logger.info("poller started", metadata: ["instance": "\(instanceID)"])
        var lastGauge = ContinuousClock.now - .seconds(3_600)
        await withDiscardingTaskGroup { group in
            // Beats until the drain is over (cancelled below), on its own connection and task.
            group.addTask {
                await self.heartbeat.run(intervalMilliseconds: self.configuration.heartbeatIntervalMilliseconds)
            }
            while !stop.isStopped && !Task.isCancelled {
                let (jobs, full) = await leaseDue(providers)
                for job in jobs {
                    group.addTask { _ = await self.processCounted(job) }
                }
                if ContinuousClock.now - lastGauge > .milliseconds(Self.gaugeRefreshMilliseconds) {
                    lastGauge = ContinuousClock.now
                    await refreshJobsGauge()
                }
                // A tick between rounds unless a batch came back full: leasing again at once
                // after a partial batch only takes the one or two jobs that fell due since, a
                // commit each, where a tick later one round takes them all.
                if !full { try? await Task.sleep(for: .milliseconds(configuration.idleTickMilliseconds)) }
            }
            await drain()
            group.cancelAll()
        }
        await releaseLeases()
        await heartbeat.stopped()
        logger.info("poller stopped", metadata: ["instance": "\(instanceID)"])
    }

    /// Waits for work in flight: polls up to the short grace, synchronous calls up to their
    /// drain bound (the heartbeat's task beats all the while).
    private func drain() async {
        let started = ContinuousClock.now
        let pollDeadline = started + .milliseconds(configuration.shutdownGraceMilliseconds)
        let dispatchDeadline = started + .milliseconds(configuration.synchronousDrainMilliseconds)
        let dispatches = dispatchesInFlight.withLock { $0 }
        if dispatches > 0 {
            logger.notice(
                "draining synchronous provider calls before stopping",
                metadata: ["calls": "\(dispatches)", "bound_ms": "\(configuration.synchronousDrainMilliseconds)"])
        }
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let dispatching = dispatchesInFlight.withLock { $0 }
            let polling = inFlightTotal - dispatching
            let waitForPolls = polling > 0 && now < pollDeadline
            let waitForDispatches = dispatching > 0 && now < dispatchDeadline
            guard waitForPolls || waitForDispatches else { break }
            try? await Task.sleep(for: .milliseconds(Self.drainTickMilliseconds))
        }
    }

    /// How often a draining poller looks at what is still in flight.
    static let drainTickMilliseconds = 20

    /// Jobs by state, for the `videoledger_jobs` gauge.
    func refreshJobsGauge() async {
        let counts = try? await pool.withSession { session -> [JobStatus: Int] in
            var counts: [JobStatus: Int] = [:]
            for row in try session.query("SELECT status, count(*) FROM jobs GROUP BY status") {
                if let status = JobStatus(rawValue: try row.decode(0)) { counts[status] = try row.decode(1) }
            }
            return counts
        }
        if let counts { JobMetrics.jobsByState(counts) }
    }
}
