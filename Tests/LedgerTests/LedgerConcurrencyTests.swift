import Foundation
import Ledger
import Money
import Postgres
import TestSupport
import Testing

@Suite struct LedgerConcurrencyTests {
    @Test func fiftyConcurrentHoldsAgainstABalanceForTen() async throws {
        let fixture = try await LedgerFixture.make(fundedMicros: 10 * 700_000)
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<50 {
                group.addTask {
                    do {
                        _ = try await fixture.ledger.hold(
                            key: "h\(index)", userID: "alice", amount: usd(700_000), provider: "venice")
                        return true
                    } catch LedgerError.insufficientFunds {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 10)
        let balance = try await fixture.balance()
        #expect(balance.available == usd(0))
        #expect(balance.held == usd(7_000_000))
        try await fixture.expectInvariants()
    }

    @Test func racingCapturesAndReleasesEndEachHoldOnce() async throws {
        let fixture = try await LedgerFixture.make(fundedMicros: 100_000_000)
        var holdIDs: [Int64] = []
        for index in 0..<20 {
            holdIDs.append(
                try await fixture.ledger.hold(
                    key: "h\(index)", userID: "alice", amount: usd(1_000_000), provider: "venice"))
        }
        let ids = holdIDs
        let wins = try await withThrowingTaskGroup(of: Int.self) { group in
            for holdID in ids {
                for attempt in 0..<3 {
                    group.addTask {
                        do {
                            if attempt == 0 {
                                _ = try await fixture.ledger.release(key: "r\(holdID)", holdID: holdID)
                            } else {
                                _ = try await fixture.ledger.capture(
                                    key: "c\(holdID)-\(attempt)", holdID: holdID, actualMicros: 900_000)
                            }
                            return 1
                        } catch LedgerError.holdAlreadyResolved {
                            return 0
                        }
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(wins == 20)
        #expect(try await fixture.balance().held == usd(0))
        try await fixture.expectInvariants()
    }

    @Test func sameKeyRacingReturnsOneHold() async throws {
        let fixture = try await LedgerFixture.make()
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await fixture.ledger.hold(
                        key: "same", userID: "alice", amount: usd(1_000_000), provider: "venice")
                }
            }
            return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        #expect(try await fixture.balance().held == usd(1_000_000))
        try await fixture.expectInvariants()
    }
}

@Suite struct InvariantCheckTests {
    @Test func detectsACorruptedDatabase() async throws {
        let fixture = try await LedgerFixture.make()
        let holdID = try await fixture.ledger.hold(
            key: "h1", userID: "alice", amount: usd(1_000_000), provider: "venice")
        try await fixture.expectInvariants()

        // Corrupt a balance behind the ledger's back: invariants 1 and 2 must notice.
        try await fixture.pool.withSession { session in
            try session.execute("UPDATE accounts SET balance_micros = balance_micros + 1 WHERE kind = 'available'")
        }
        var violations = try await ledgerInvariantViolations(fixture.pool)
        #expect(violations.contains { $0.hasPrefix("invariant 1") })

        // Put it back, then mark the hold captured without transfers: invariant 3 must notice.
        try await fixture.pool.withSession { session in
            try session.execute("UPDATE accounts SET balance_micros = balance_micros - 1 WHERE kind = 'available'")
            try session.execute(
                "UPDATE holds SET state = 'captured', captured_micros = amount_micros, resolved_at = now() WHERE id = $1",
                [holdID])
        }
        violations = try await ledgerInvariantViolations(fixture.pool)
        #expect(violations.contains { $0.hasPrefix("invariant 3") })
        #expect(violations.contains { $0.hasPrefix("invariant 2") })
    }
}
