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
/// waits for a pooled connection behind the instance's submits and polls, so a busy instance
/// does not look dead for want of a connection. It waits only for this instance's own lease
/// round in flight, which holds the instance's row (`fenceTheDead`): a round is short (it waits
/// on nothing but siblings' rounds), and the wait is what makes lifting a fence safe.
///
/// A sibling's lease round that takes an instance for dead fences it (`instances.fenced_at`,
/// migration 0023) under the row's lock, and the cap counts no lease of a fenced instance. The
/// fence is lifted only by this instance's own heartbeat, in the transaction that expires every
/// lease it still holds: a lease left out of a sibling's count never counts again, so a late
/// heartbeat cannot put the provider over its cap. (Calls already out when the instance was
/// taken for dead still finish; a fenced instance leases nothing more.)
struct InstanceHeartbeat: Sendable {
    let connection: PostgresConnection
    let instanceID: String
    let clock: JobClock
    let logger: Logger

    init(pool: PostgresPool, instanceID: String, clock: JobClock, logger: Logger) {
        self.connection = PostgresConnection(
            connectionString: pool.configuration.connectionString, label: "videoledger.heartbeat",
            connectTimeoutSeconds: pool.configuration.connectTimeoutSeconds,
            idleInTransactionTimeoutMilliseconds: pool.configuration.idleInTransactionTimeoutMilliseconds)
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
            let expired = try await connection.withSession { session in
                try session.transaction { session -> Int? in
                    let now = clock.now
                    let beaten = try session.execute(
                        """
                        INSERT INTO instances (id, started_at, heartbeat_at) VALUES ($1, $2, $2)
                        ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, stopped_at = NULL
                        WHERE instances.fenced_at IS NULL
                        """, [instanceID, now])
                    guard beaten == 0 else { return nil }
                    // Taken for dead: what it still holds stops counting for good, then it is live again.
                    let expired = try session.execute(
                        """
                        UPDATE jobs SET lease_expires_at = $2::timestamptz - interval '1 millisecond'
                        WHERE lease_owner = $1 AND lease_expires_at >= $2::timestamptz - interval '1 millisecond'
                        """, [instanceID, now])
                    try session.execute(
                        "UPDATE instances SET fenced_at = NULL, stopped_at = NULL, heartbeat_at = $2 WHERE id = $1",
                        [instanceID, now])
                    return expired
                }
            }
            if let expired {
                logger.warning(
                    "this instance was taken for dead: its leases were expired and it heartbeats again",
                    metadata: ["instance": "\(instanceID)", "leases": "\(expired)"])
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

    /// Locks this instance's own row (`$1`) and fences every other instance whose heartbeat is
    /// older than the bound (`$2` the clock's now, `$3` the bound in milliseconds), answering in
    /// the same statement whether `$1` itself is fenced; a lease round runs it first, one round
    /// trip.
    ///
    /// The own row stays locked until the round commits, so a sibling's fence and this
    /// instance's heartbeat both wait for a round in flight: a fence takes effect only between
    /// rounds, and the heartbeat that lifts it expires every lease the instance's rounds
    /// committed. (Without that wait, a round already past its fence check could commit a lease
    /// after the heartbeat had read which leases to expire, and the lease, left out of a sibling's
    /// count while the fence stood, would count again once it was lifted.) All rows are locked in
    /// id order in one statement, the same in every round, so two rounds cannot deadlock on them.
    /// A row that changed while the lock was awaited is checked again before it is locked, so
    /// what `locked` returns still looks dead, and stays so under the lock.
    static let fenceTheDead = """
        WITH locked AS MATERIALIZED (
            SELECT id, fenced_at FROM instances
            WHERE id = $1
               OR (fenced_at IS NULL AND stopped_at IS NULL
                   AND heartbeat_at < $2::timestamptz - $3::float8 * interval '1 millisecond')
            ORDER BY id FOR UPDATE),
        fenced AS (
            UPDATE instances SET fenced_at = $2 WHERE id IN (SELECT id FROM locked WHERE id <> $1))
        SELECT coalesce((SELECT fenced_at IS NOT NULL FROM locked WHERE id = $1), false)
        """

    /// The SQL condition "this row's lease counts against its provider's cap": unexpired, and
    /// held by an instance that neither stopped nor was fenced. `now` names the parameter
    /// holding the clock's now.
    static func leaseCounted(now: String) -> String {
        """
        (lease_owner IS NOT NULL AND lease_expires_at >= \(now)
         AND lease_owner NOT IN (SELECT i.id FROM instances i WHERE i.stopped_at IS NOT NULL OR i.fenced_at IS NOT NULL))
        """
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
