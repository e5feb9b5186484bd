import Foundation
import Logging
import Postgres

/// This instance's row in `instances`, so siblings can tell a dead instance from a slow one.
///
/// The poller writes it every `heartbeatIntervalMilliseconds` while it runs, including while it
/// drains on SIGTERM, and marks it stopped when it has released its leases. A lease whose owner's
/// heartbeat is older than `heartbeatDeadAfterMilliseconds`, or whose owner stopped, is taken
/// over at once (see `Poller.leaseDue`) instead of waiting out the lease, which for a dispatched
/// AIGate call is 16 minutes. An instance that only looks dead (its database writes failed for a
/// minute) loses nothing by the takeover: a late answer still settles its job.
///
/// The heartbeat has a connection of its own and a task of its own (`Poller.run`): it never
/// waits for a pooled connection behind the instance's submits and polls, nor for a lease round
/// that waits on a sibling's. A busy instance taken for dead would have its calls in flight
/// counted by no one, and its siblings would go past the provider's cap.
struct InstanceHeartbeat: Sendable {
    let connection: PostgresConnection
    let instanceID: String
    let clock: JobClock
    let logger: Logger

    init(pool: PostgresPool, instanceID: String, clock: JobClock, logger: Logger) {
        self.connection = PostgresConnection(
            connectionString: pool.configuration.connectionString, label: "videoledger.heartbeat",
            connectTimeoutSeconds: pool.configuration.connectTimeoutSeconds)
        self.instanceID = instanceID
        self.clock = clock
        self.logger = logger
    }

    /// Records that the instance is alive now: the time is read once the connection is this
    /// write's, so a wait for it never makes the heartbeat look older than it is. A failed write
    /// is logged, not thrown, and the connection is opened afresh for the next one: the poller
    /// keeps working, and the worst case is that siblings take its jobs over.
    func beat() async {
        let clock = self.clock
        let instanceID = self.instanceID
        do {
            try await connection.withSession { session in
                try session.execute(
                    """
                    INSERT INTO instances (id, started_at, heartbeat_at) VALUES ($1, $2, $2)
                    ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, stopped_at = NULL
                    """, [instanceID, clock.now])
            }
        } catch {
            logger.warning("heartbeat failed", metadata: ["instance": "\(instanceID)", "error": "\(error)"])
            await connection.close()
        }
    }

    /// Beats every `intervalMilliseconds` until the task is cancelled.
    func run(intervalMilliseconds: Int) async {
        while !Task.isCancelled {
            await beat()
            try? await Task.sleep(for: .milliseconds(intervalMilliseconds))
        }
    }

    /// Marks the instance stopped, so any lease it still holds is taken over at once; forgets
    /// instances that stopped over a day ago.
    func stopped() async {
        let now = clock.now
        _ = try? await connection.withSession { session in
            try session.execute("UPDATE instances SET stopped_at = $2 WHERE id = $1", [instanceID, now])
            try session.execute(
                "DELETE FROM instances WHERE coalesce(stopped_at, heartbeat_at) < $1::timestamptz - interval '1 day'",
                [now])
        }
        await connection.close()
    }

    /// The SQL condition "the lease on this row may be taken": expired, or held by an instance
    /// that stopped or whose heartbeat is older than the bound. `$now` and `$dead` name the
    /// parameters holding the clock's now and `heartbeatDeadAfterMilliseconds`.
    static func leaseTakeable(now: String, dead: String) -> String {
        """
        (lease_expires_at IS NULL OR lease_expires_at < \(now)
         OR lease_owner IN (SELECT i.id FROM instances i
                            WHERE i.stopped_at IS NOT NULL OR i.heartbeat_at < \(now) - \(dead)::float8 * interval '1 millisecond'))
        """
    }
}
