import Synchronization

/// Group commit for small independent transactions: concurrent callers' bodies run one after
/// another in one shared transaction, which commits once for all of them.
///
/// Why: a commit is a WAL flush, and on the job path most transactions are a few row updates of
/// one job each (a poll's reschedule, a submit's recorded answer). Sharing the flush makes their
/// cost per job a fraction of a commit. One batch runs at a time; callers arriving while it runs
/// wait for the next one, so batches grow with load and stay at one body (no added latency) when
/// the path is idle.
///
/// Every caller hears its result only after the shared commit is durable. When the shared
/// transaction fails for any reason, each body of the batch is run again alone in its own
/// transaction, so one caller's error never becomes another's. Bodies must therefore, as with
/// `PostgresSession.transaction`, have no effects outside the database, and they must be
/// independent of each other (a deadlock or serialization failure of a transaction, shared or
/// alone, retries it up to `PostgresSession.conflictAttemptsMax` times).
///
/// Lock order. A shared transaction holds every lock its bodies took until its commit, so two of
/// them (two instances) could deadlock where the bodies alone could not. Two keys rule it out:
/// - `partition`: a batch only holds bodies of one partition; partitions flush side by side, in
///   transactions of their own. Submits are partitioned by user: a submit locks its user's
///   account rows (the hold), and a transaction holding two users' accounts, taken in user
///   order, could close a cycle with settlements that take a user's accounts and a house
///   account shard in account id order (`ledger_lock`). One user per transaction, as alone.
/// - `lockOrder`: a batch runs its bodies in this key's order, the id of the rows each locks
///   (a job's id for poll writes), so two batches take shared row locks in one order.
/// A body that takes locks that neither key orders (a settlement: a job row, then its user's
/// accounts and a house shard picked by hold id) keeps a transaction of its own.
public final class PostgresGroupCommit: Sendable {
    private struct Pending: Sendable {
        let lockOrder: String
        let body: @Sendable (PostgresSession) throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private struct State {
        /// Bodies waiting for a batch, per partition.
        var pending: [String: [Pending]] = [:]
        /// Partitions with a batch running (at most one each).
        var flushing: Set<String> = []
    }

    public let pool: PostgresPool
    /// Bodies per shared transaction; the rest wait for the next one.
    public let batchSizeMax: Int
    private let state = Mutex(State())

    public init(pool: PostgresPool, batchSizeMax: Int = 64) {
        precondition(batchSizeMax >= 1 && batchSizeMax <= 10_000, "batchSizeMax out of range")
        self.pool = pool
        self.batchSizeMax = batchSizeMax
    }

    /// Runs `body` in a transaction shared with whatever other callers of its `partition` are
    /// waiting, and returns its result once that transaction committed. Not cut short by the
    /// caller's cancellation: a write that was asked for is written. `lockOrder`: bodies of one
    /// batch run in this key's order (the id of the rows they lock, e.g. the job's).
    public func run<T: Sendable>(
        partition: String = "", lockOrder: String = "", _ body: @escaping @Sendable (PostgresSession) throws -> T
    ) async throws -> T {
        let value = try await withCheckedThrowingContinuation { continuation in
            let startsFlushing = state.withLock { state -> Bool in
                state.pending[partition, default: []].append(
                    Pending(lockOrder: lockOrder, body: { session in try body(session) }, continuation: continuation))
                return state.flushing.insert(partition).inserted
            }
            if startsFlushing { Task { await self.flushUntilEmpty(partition) } }
        }
        guard let typed = value as? T else { preconditionFailure("group commit returned \(type(of: value))") }
        return typed
    }

    private func flushUntilEmpty(_ partition: String) async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                guard let waiting = state.pending[partition], !waiting.isEmpty else {
                    state.pending[partition] = nil
                    state.flushing.remove(partition)
                    return []
                }
                let taken = Array(waiting.prefix(batchSizeMax))
                state.pending[partition] = Array(waiting.dropFirst(taken.count))
                return taken
            }
            guard !batch.isEmpty else { return }
            await flush(batch.sorted { $0.lockOrder < $1.lockOrder })
        }
    }
    private func flush(_ batch: [Pending]) async {
        if batch.count > 1 {
            do {
                let results = try await pool.transaction { session in try batch.map { try $0.body(session) } }
                for (pending, result) in zip(batch, results) { pending.continuation.resume(returning: result) }
                return
            } catch {
                // Someone's body failed, or the database did: each alone, so each hears its own.
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for pending in batch {
                group.addTask {
                    do {
                        let result = try await self.pool.transaction { session in try pending.body(session) }
                        pending.continuation.resume(returning: result)
                    } catch {
                        pending.continuation.resume(throwing: error)
                    }
                }
            }
        }
    }
}
