import Postgres

/// Returns once some session of the test's database waits on a lock: the moment a test that
/// holds a row in another transaction knows its subject has reached that row. No sleep decides.
/// Throws when nothing waits within five minutes.
public func waitForALockWait(_ pool: PostgresPool) async throws {
    try await waitUntil { try await lockWaits(pool) > 0 }
}

/// Sessions of the test's database waiting on a lock; of one kind (`pg_stat_activity.wait_event`:
/// `advisory`, `transactionid`, `tuple`, …) when `event` names it.
public func lockWaits(_ pool: PostgresPool, event: String? = nil) async throws -> Int {
    try await pool.withSession { session in
        try Int(
            session.query(
                """
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock'
                  AND ($1::text IS NULL OR wait_event = $1)
                """, [event]
            )[0].decode(0, as: Int64.self))
    }
}

/// Returns once `reached` holds, asked every 10 ms; throws `NeverReached` after five minutes.
public func waitUntil(_ reached: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(300)
    while try await !reached() {
        guard ContinuousClock.now < deadline else { throw NeverReached() }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// What a test waited for never came: e.g. nothing ever waited on the lock it held.
public struct NeverReached: Error, CustomStringConvertible {
    public var description: String { "the state the test waited for never came within five minutes" }
}
