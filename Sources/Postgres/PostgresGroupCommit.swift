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
/// independent of each other. Bodies that lock shared rows (a user's accounts) give a
/// `lockOrder` key: a batch runs its bodies in key order, so two batches running at once (two
/// instances) take those locks in one order and cannot deadlock. Bodies whose locks cannot be
/// ordered by one key (a settlement locks a user's accounts and a house account shard picked by
/// hold id) keep a transaction of their own.
public final class PostgresGroupCommit: Sendable {
    private struct Pending: Sendable {
        let lockOrder: String
        let body: @Sendable (PostgresSession) throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var flushing = false
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

    /// Runs `body` in a transaction shared with whatever other callers are waiting, and returns
    /// its result once that transaction committed. Not cut short by the caller's cancellation:
    /// a write that was asked for is written. `lockOrder`: bodies of one batch run in this key's
    /// order (the id of the shared rows they lock, e.g. the user's).
    public func run<T: Sendable>(
        lockOrder: String = "", _ body: @escaping @Sendable (PostgresSession) throws -> T
    ) async throws -> T {
        let value = try await withCheckedThrowingContinuation { continuation in
            let startsFlushing = state.withLock { state -> Bool in
                state.pending.append(
                    Pending(lockOrder: lockOrder, body: { session in try body(session) }, continuation: continuation))
                guard !state.flushing else { return false }
                state.flushing = true
                return true
            }
            if startsFlushing { Task { await self.flushUntilEmpty() } }
        }
        guard let typed = value as? T else { preconditionFailure("group commit returned \(type(of: value))") }
        return typed
    }

    private func flushUntilEmpty() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                guard !state.pending.isEmpty else {
                    state.flushing = false
                    return []
                }
                let taken = Array(state.pending.prefix(batchSizeMax))
                state.pending.removeFirst(taken.count)
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
