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
    /// for, works each job in a child task, and sleeps a tick when nothing was due. On stop it
    /// stops leasing, waits up to `shutdownGraceMilliseconds` for polls in flight, cancels the
    /// rest (a cancelled poll just leaves its lease to expire) and releases its leases.
    public func run(until stop: StopSignal) async {
        logger.info("poller started", metadata: ["instance": "\(instanceID)"])
        var lastGauge = ContinuousClock.now - .seconds(3_600)
        await withDiscardingTaskGroup { group in
            while !stop.isStopped && !Task.isCancelled {
                var leasedAny = false
                for provider in providers {
                    let jobs = await leaseDue(provider)
                    leasedAny = leasedAny || !jobs.isEmpty
                    for job in jobs {
                        group.addTask { _ = await self.processCounted(job) }
                    }
                }
                if ContinuousClock.now - lastGauge > .milliseconds(Self.gaugeRefreshMilliseconds) {
                    lastGauge = ContinuousClock.now
                    await refreshJobsGauge()
                }
                if !leasedAny { try? await Task.sleep(for: .milliseconds(configuration.idleTickMilliseconds)) }
            }
            let deadline = ContinuousClock.now + .milliseconds(configuration.shutdownGraceMilliseconds)
            while inFlightTotal > 0 && ContinuousClock.now < deadline && !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(20))
            }
            group.cancelAll()
        }
        await releaseLeases()
        logger.info("poller stopped", metadata: ["instance": "\(instanceID)"])
    }

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
