import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

/// The lock-order rules of `PostgresGroupCommit` and the retry of wrapped deadlocks, which the
/// job path's freedom from deadlocks rests on (docs/job-lifecycle.md, "Commits and locks").
@Suite struct GroupCommitTests {
    /// Bodies of two partitions (two users' submits) never share a transaction.
    @Test func partitionsNeverShareATransaction() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 4)
        let commit = PostgresGroupCommit(pool: pool)
        let results = try await withThrowingTaskGroup(of: (String, String, Int64).self) { group in
            for index in 0..<40 {
                let partition = index % 2 == 0 ? "user-a" : "user-b"
                let key = String(format: "k%03d", (index * 7) % 40)
                group.addTask {
                    try await commit.run(partition: partition, lockOrder: key) { session in
                        let txid: Int64 = try session.query("SELECT txid_current()")[0].decode(0)
                        return (partition, key, txid)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 40)
        let partitionsByTransaction = Dictionary(grouping: results, by: \.2).mapValues { Set($0.map(\.0)) }
        #expect(partitionsByTransaction.values.allSatisfy { $0.count == 1 }, "\(partitionsByTransaction)")
        await pool.close()
    }

    /// A shared transaction runs its bodies in `lockOrder` (job ids for poll writes).
    @Test func bodiesOfOneBatchRunInLockOrder() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 2)
        let commit = PostgresGroupCommit(pool: pool)
        let order = Keys()
        // The first body holds the batch open until the rest queued behind it; they form the
        // second batch, which runs in key order whatever order they arrived in.
        async let first: Void = commit.run(lockOrder: "m") { session in
            try session.execute("SELECT pg_sleep(0.3)")
        }
        try await Task.sleep(for: .milliseconds(100))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for key in ["z", "c", "q", "a", "k"] {
                group.addTask {
                    try await commit.run(lockOrder: key) { _ in order.append(key) }
                }
            }
            try await group.waitForAll()
        }
        try await first
        #expect(order.values == ["a", "c", "k", "q", "z"])
        await pool.close()
    }

    /// A deadlock a ledger function raised reaches the transaction wrapped in the caller's error
    /// type; it is retried as one not wrapped would be.
    @Test func retriesADeadlockWrappedInAnotherError() async throws {
        struct Wrapped: PostgresErrorWrapping {
            let underlyingPostgresError: PostgresError?
        }
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        let attempts = Attempts()
        let value = try await pool.transaction { _ -> Int in
            attempts.increment()
            if attempts.value == 1 {
                throw Wrapped(
                    underlyingPostgresError: .server(ServerError(sqlState: "40P01", message: "deadlock detected")))
            }
            return 7
        }
        #expect(value == 7 && attempts.value == 2)
        struct Refused: PostgresErrorWrapping {
            let underlyingPostgresError: PostgresError?
        }
        let refusals = Attempts()
        await #expect(throws: Refused.self) {
            try await pool.transaction { _ in
                refusals.increment()
                throw Refused(underlyingPostgresError: .server(ServerError(sqlState: "VL001", message: "no funds")))
            }
        }
        #expect(refusals.value == 1, "a refusal is not retried")
        await pool.close()
    }
}

final class Keys: Sendable {
    private let list = Mutex<[String]>([])
    func append(_ key: String) { list.withLock { $0.append(key) } }
    var values: [String] { list.withLock { $0 } }
}
