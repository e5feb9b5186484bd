import Foundation
import Ledger
import Money
import Postgres
import TestSupport
import Testing

/// Group-commit holds: `ledger_hold_batch` (set-based for the common case, per hold for the
/// rest) and the `HoldBatcher` that feeds it. Every request must get exactly the answer a lone
/// `ledger_hold` would have given it.
@Suite struct HoldBatchTests {
    /// One batch with every kind of request in it, straight through the SQL function.
    @Test func aMixedBatchAnswersEachRequestAsASingleHoldWould() async throws {
        let fixture = try await LedgerFixture.make(fundedMicros: 10_000_000)
        let ledger = fixture.ledger
        try await ledger.createUser("bob")
        try await ledger.topUp(key: "fund-bob", userID: "bob", amount: usd(1_000_000))
        try await ledger.createUser("carol", creditLimitMicros: 500_000)  // no accounts yet, some credit
        let earlier = try await ledger.hold(key: "earlier", userID: "alice", amount: usd(1_000_000), provider: "venice")

        // (key, user, currency, amount, provider)
        let batch: [(String, String, String, Int64, String)] = [
            ("a1", "alice", "USD", 3_000_000, "venice"),  // 1: fits with a2
            ("a2", "alice", "USD", 4_000_000, "aimo"),  // 2
            ("b1", "bob", "USD", 600_000, "venice"),  // 3: bob's share (1.2) exceeds 1.0: per hold, first wins
            ("b2", "bob", "USD", 600_000, "venice"),  // 4: insufficient
            ("earlier", "alice", "USD", 1_000_000, "venice"),  // 5: a replay: the earlier hold
            ("earlier", "alice", "USD", 1_000_000, "venice"),  // 6: the same replay twice in one batch
            ("a1-reused", "alice", "USD", 1, "venice"),  // 7: fits
            ("nobody-1", "nobody", "USD", 1_000, "venice"),  // 8: unknown user
            ("zero", "alice", "USD", 0, "venice"),  // 9: invalid amount
            ("c1", "carol", "USD", 400_000, "nanogpt"),  // 10: on credit, accounts created on the way
            ("bad-provider", "alice", "USD", 5, "Not A Provider!"),  // 11: refused by the holds table
        ]
        let rows = try await fixture.pool.withSession { session in
            try session.query(
                """
                SELECT ordinal, hold_id, error_code FROM ledger_hold_batch($1::text[], $2::text[], $3::text[], $4::bigint[],
                                                                           $5::text[], $6::uuid[]) ORDER BY ordinal
                """,
                [
                    batch.map(\.0), batch.map(\.1), batch.map(\.2), batch.map(\.3), batch.map(\.4),
                    PostgresArrayWithNulls([String?](repeating: nil, count: batch.count)),
                ]
            ).map {
                (
                    try $0.decode(0, as: Int.self), try $0.decodeIfPresent(1, as: Int64.self),
                    try $0.decodeIfPresent(2, as: String.self)
                )
            }
        }
        #expect(rows.map(\.0) == Array(1...batch.count))
        let codes = rows.map { $0.2 ?? "ok" }
        #expect(codes == ["ok", "ok", "ok", "VL001", "ok", "ok", "ok", "VL004", "VL006", "ok", "23514"])
        #expect(rows[4].1 == earlier && rows[5].1 == earlier)
        #expect(Set(rows.compactMap(\.1)).count == 6)  // a1, a2, b1, earlier, a1-reused, c1

        #expect(try await fixture.balance().available == usd(10_000_000 - 1_000_000 - 3_000_000 - 4_000_000 - 1))
        #expect(try await fixture.balance().held == usd(8_000_001))
        #expect(try await fixture.balance("bob").available == usd(400_000))
        #expect(try await fixture.balance("carol").available == usd(-400_000))
        // A refused key is not spent: it can be used again.
        let retried = try await ledger.hold(key: "b2", userID: "bob", amount: usd(400_000), provider: "venice")
        #expect(retried > 0)
        try await fixture.expectInvariants()
    }

    /// A key first used for another request is refused inside a batch as it is alone.
    @Test func aReusedKeyIsRefusedInABatch() async throws {
        let fixture = try await LedgerFixture.make()
        _ = try await fixture.ledger.hold(key: "k", userID: "alice", amount: usd(1_000_000), provider: "venice")
        let batcher = HoldBatcher(pool: fixture.pool)
        await #expect(throws: LedgerError.self) {
            _ = try await batcher.hold(.init(key: "k", userID: "alice", amount: usd(2_000_000), provider: "venice"))
        }
        #expect(try await fixture.balance().held == usd(1_000_000))
        try await fixture.expectInvariants()
    }

    /// 20 users, each funded for exactly 10 holds, each asked for 25 by concurrent callers:
    /// exactly 10 per user succeed, and replaying every key returns the same holds.
    @Test func concurrentCallersNeverOverdrawAndReplaysAreStable() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 8)
        let ledger = Ledger(pool: pool)
        let users = try await fundedUsers(ledger, prefix: "u", count: 20, eachMicros: 10 * 250_000)
        let batcher = HoldBatcher(pool: pool, configuration: .init(batchSizeMax: 64, batchesInFlightMax: 4))
        let requests = users.flatMap { user in
            (0..<25).map {
                HoldBatcher.Request(key: "\(user)-\($0)", userID: user, amount: usd(250_000), provider: "venice")
            }
        }
        func holdAll() async throws -> [String: Int64] {
            try await withThrowingTaskGroup(of: (String, Int64?).self) { group in
                for request in requests.shuffled() {
                    group.addTask {
                        do {
                            return (request.key, try await batcher.hold(request))
                        } catch LedgerError.insufficientFunds {
                            return (request.key, nil)
                        }
                    }
                }
                var held: [String: Int64] = [:]
                for try await (key, id) in group { if let id { held[key] = id } }
                return held
            }
        }
        let first = try await holdAll()
        #expect(first.count == 200)
        for user in users {
            #expect(first.keys.filter { $0.hasPrefix(user + "-") }.count == 10, "\(user)")
            let balance = try await ledger.balance(userID: user, currency: .usd)
            #expect(balance.available == usd(0) && balance.held == usd(2_500_000), "\(user)")
        }
        // Replays: every held key returns its hold; every refused key is still refused.
        let second = try await holdAll()
        #expect(second == first)
        #expect(try await ledgerInvariantViolations(pool).isEmpty)
        await pool.close()
    }

    /// Batches and single holds on the same users at once: no deadlock, no overdraft.
    @Test func batchesAndSingleHoldsShareUsersSafely() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 8)
        let ledger = Ledger(pool: pool)
        let users = try await fundedUsers(ledger, prefix: "s", count: 10, eachMicros: 20 * 100_000)
        let batcher = HoldBatcher(pool: pool, configuration: .init(batchSizeMax: 32, batchesInFlightMax: 3))
        let successes = try await withThrowingTaskGroup(of: Int.self) { group in
            for user in users {
                for index in 0..<30 {
                    group.addTask {
                        do {
                            let key = "\(user)-\(index)"
                            if index.isMultiple(of: 2) {
                                _ = try await batcher.hold(
                                    .init(key: key, userID: user, amount: usd(100_000), provider: "aimo"))
                            } else {
                                _ = try await ledger.hold(
                                    key: key, userID: user, amount: usd(100_000), provider: "aimo")
                            }
                            return 1
                        } catch LedgerError.insufficientFunds {
                            return 0
                        }
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(successes == 200)
        for user in users {
            #expect(try await ledger.balance(userID: user, currency: .usd).available == usd(0), "\(user)")
        }
        #expect(try await ledgerInvariantViolations(pool).isEmpty)
        await pool.close()
    }

    /// `count` users named `prefix0`, `prefix1`, …, each topped up with `eachMicros` USD.
    private func fundedUsers(_ ledger: Ledger, prefix: String, count: Int, eachMicros: Int64) async throws -> [String] {
        let users = (0..<count).map { "\(prefix)\($0)" }
        for user in users {
            try await ledger.createUser(user)
            try await ledger.topUp(key: "fund-\(user)", userID: user, amount: usd(eachMicros))
        }
        return users
    }
}

/// The batcher's queue is bounded: past `pendingMax` a caller is refused at once, not parked.
@Suite struct HoldBatcherLimitTests {
    @Test func aFullQueueRefusesAtOnce() async throws {
        let fixture = try await LedgerFixture.make()
        // Another transaction holds alice's accounts, so the first batch waits on them.
        let blocker = PostgresConnection(connectionString: fixture.pool.configuration.connectionString)
        try await blocker.withSession { session in
            try session.execute("BEGIN")
            try session.execute("SELECT 1 FROM accounts WHERE user_id = 'alice' FOR UPDATE")
        }
        let batcher = HoldBatcher(
            pool: fixture.pool, configuration: .init(batchSizeMax: 1, batchesInFlightMax: 1, pendingMax: 1))
        let first = Task {
            try await batcher.hold(.init(key: "first", userID: "alice", amount: usd(1_000), provider: "venice"))
        }
        try await waitForALockWait(fixture.pool)  // the first batch is running, blocked
        // Of the next two, whichever arrives second finds the queue full and is refused at once;
        // the other waits behind the blocked batch. So the first of them to finish is the
        // refusal, and the blocker commits only after it: no sleep decides the order.
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group -> [Bool] in
            for key in ["second", "third"] {
                group.addTask {
                    do {
                        _ = try await batcher.hold(
                            .init(key: key, userID: "alice", amount: usd(1_000), provider: "venice"))
                        return true
                    } catch LedgerError.database(.poolExhausted) {
                        return false
                    }
                }
            }
            let firstToFinish = try await group.next()
            #expect(firstToFinish == false, "the first of the two to finish must be the refused one")
            try await blocker.withSession { session in try session.execute("COMMIT") }
            _ = try await first.value
            var outcomes = firstToFinish.map { [$0] } ?? []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        #expect(
            outcomes.sorted { !$0 && $1 } == [false, true],
            "one refused at once, one held after the blocker: \(outcomes)")
        #expect(try await fixture.balance().held == usd(2_000))
        try await fixture.expectInvariants()
        await blocker.close()
    }
}
