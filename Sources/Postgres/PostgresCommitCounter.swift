import Synchronization

/// Counts the transactions a pool's connections committed, as the client sees them: every
/// statement that succeeded outside a transaction block (autocommit) and every `COMMIT` that
/// did. Read-only statements count too, as they do in `pg_stat_database.xact_commit`: each is a
/// transaction and a round trip of its own.
///
/// Why: a commit is a WAL flush and, on the job path, the end of a row-lock hold on the user's
/// accounts, so commits per job bound the path's throughput. Counting in the client is exact per
/// pool, where the server's statistics are per database, delayed and shared with every other
/// session; the jobs benchmark prints it per job and a test pins it without timing.
public final class PostgresCommitCounter: Sendable {
    private let committedTransactions = Atomic<Int>(0)

    public init() {}

    /// Transactions committed so far through this counter's connections.
    public var committed: Int { committedTransactions.load(ordering: .relaxed) }

    func noteCommitted() {
        committedTransactions.wrappingAdd(1, ordering: .relaxed)
    }
}
