import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

@Suite struct TransactionTests {
    @Test func rollsBackWhenTheBodyThrows() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 2)
        try await pool.withSession { try $0.execute("CREATE TABLE t (v int)") }
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await pool.transaction { session in
                try session.execute("INSERT INTO t VALUES (1)")
                throw Abort()
            }
        }
        let count = try await pool.withSession { try $0.query("SELECT count(*) FROM t")[0].decode(0, as: Int64.self) }
        #expect(count == 0)
        await pool.close()
    }

    @Test func retriesSerializationFailures() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 8)
        try await pool.withSession { session in
            try session.execute("CREATE TABLE counter (v bigint NOT NULL)")
            try session.execute("INSERT INTO counter VALUES (0)")
        }
        let attempts = Attempts()
        // 16 serializable read-modify-write increments conflict with each other; retries make
        // every one of them land exactly once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try await pool.transaction(isolation: .serializable, attemptsMax: 50) { session in
                        attempts.increment()
                        let value: Int64 = try session.query("SELECT v FROM counter")[0].decode(0)
                        try session.execute("UPDATE counter SET v = $1", [value + 1])
                    }
                }
            }
            try await group.waitForAll()
        }
        let value = try await pool.withSession { try $0.query("SELECT v FROM counter")[0].decode(0, as: Int64.self) }
        #expect(value == 16)
        #expect(attempts.value >= 16)
        await pool.close()
    }

    @Test func streamsRowsInBatchesAndCopiesInBulk() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        let copied = try await pool.withSession { session in
            try session.execute("CREATE TABLE bulk (id bigint, label text)")
            return try session.copyIn("COPY bulk (id, label) FROM STDIN") { writer in
                for id in 1...20_000 { try writer.appendRow([String(id), id % 2 == 0 ? "tab\there" : nil]) }
            }
        }
        #expect(copied == 20_000)
        let (sum, tabs) = try await pool.transaction { session in
            var sum: Int64 = 0
            var tabs = 0
            try session.forEachRow("SELECT id, label FROM bulk", batchRows: 1_000) { row in
                sum += try row.decode(0, as: Int64.self)
                if try row.decodeIfPresent(1, as: String.self) == "tab\there" { tabs += 1 }
            }
            return (sum, tabs)
        }
        #expect(sum == 20_000 * 20_001 / 2)
        #expect(tabs == 10_000)
        await pool.close()
    }
}

/// A thread-safe attempt counter for retry tests.
final class Attempts: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
