import Postgres

/// Returns once some session of the test's database waits on a lock: the moment a test that
/// holds a row in another transaction knows its subject has reached that row. No sleep decides.
/// Throws when nothing waits within five minutes.
public func waitForALockWait(_ pool: PostgresPool) async throws {
    let deadline = ContinuousClock.now + .seconds(300)
    while ContinuousClock.now < deadline {
        let waiting = try await pool.withSession { session in
            try session.query(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )[0].decode(0, as: Int64.self)
        }
        if waiting > 0 { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw NoLockWait()
}

/// Nothing waited on the lock a test held: its subject never reached the row.
public struct NoLockWait: Error, CustomStringConvertible {
    public var description: String { "nothing ever waited on the held lock" }
}
