import Foundation
import Ledger
import Money
import Postgres
import TestSupport
import Testing

/// A fresh database with one funded user, and the invariant check every scenario ends with.
struct LedgerFixture {
    let pool: PostgresPool
    let ledger: Ledger

    static func make(userID: String = "alice", fundedMicros: Int64 = 10_000_000, creditLimitMicros: Int64 = 0)
        async throws -> LedgerFixture
    {
        let pool = try await TestDatabase.makePool()
        let ledger = Ledger(pool: pool)
        try await ledger.createUser(userID, creditLimitMicros: creditLimitMicros)
        if fundedMicros > 0 {
            try await ledger.topUp(key: "fund-\(userID)", userID: userID, amount: usd(fundedMicros))
        }
        return LedgerFixture(pool: pool, ledger: ledger)
    }

    func expectInvariants(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let violations = try await ledgerInvariantViolations(pool)
        #expect(violations.isEmpty, "\(violations)", sourceLocation: sourceLocation)
    }

    func balance(_ userID: String = "alice") async throws -> Balance {
        try await ledger.balance(userID: userID, currency: .usd)
    }
}

func usd(_ micros: Int64) -> Money { Money(micros: micros, currency: .usd) }

@Suite struct LedgerOperationTests {
    @Test func topUpIsIdempotent() async throws {
        let fixture = try await LedgerFixture.make(fundedMicros: 0)
        let first = try await fixture.ledger.topUp(key: "t1", userID: "alice", amount: usd(5_000_000))
        let again = try await fixture.ledger.topUp(key: "t1", userID: "alice", amount: usd(5_000_000))
        #expect(first == again)
        #expect(try await fixture.balance().available == usd(5_000_000))
        await #expect(throws: LedgerError.self) {
            try await fixture.ledger.topUp(key: "t1", userID: "alice", amount: usd(6_000_000))
        }
        #expect(try await fixture.balance().available == usd(5_000_000))
        try await fixture.expectInvariants()
    }

    @Test func holdMovesAvailableToHeldAndReplays() async throws {
        let fixture = try await LedgerFixture.make()
        let hold = try await fixture.ledger.hold(key: "h1", userID: "alice", amount: usd(3_000_000), provider: "venice")
        let replay = try await fixture.ledger.hold(
            key: "h1", userID: "alice", amount: usd(3_000_000), provider: "venice")
        #expect(hold == replay)
        let balance = try await fixture.balance()
        #expect(balance.available == usd(7_000_000))
        #expect(balance.held == usd(3_000_000))
        do {
            _ = try await fixture.ledger.hold(key: "h1", userID: "alice", amount: usd(3_000_001), provider: "venice")
            Issue.record("a replay with another amount was accepted")
        } catch let error as LedgerError {
            guard case .idempotencyConflict = error else {
                Issue.record("wrong error \(error)")
                return
            }
        }
        #expect(try await fixture.balance().held == usd(3_000_000))
        try await fixture.expectInvariants()
    }

    @Test func captureBelowTheHoldReleasesTheRest() async throws {
        let fixture = try await LedgerFixture.make()
        let holdID = try await fixture.ledger.hold(
            key: "h1", userID: "alice", amount: usd(3_000_000), provider: "nanogpt")
        let hold = try await fixture.ledger.capture(key: "c1", holdID: holdID, actualMicros: 2_400_000)
        #expect(hold.state == .captured)
        #expect(hold.capturedMicros == 2_400_000)
        #expect(hold.releasedMicros == 600_000)
        #expect(try await fixture.ledger.capture(key: "c1", holdID: holdID, actualMicros: 2_400_000) == hold)
        let balance = try await fixture.balance()
        #expect(balance.available == usd(7_600_000))
        #expect(balance.held == usd(0))
        try await fixture.expectInvariants()
    }

    @Test func captureAboveTheHoldChargesAvailable() async throws {
        let fixture = try await LedgerFixture.make()
        let holdID = try await fixture.ledger.hold(
            key: "h1", userID: "alice", amount: usd(2_000_000), provider: "venice")
        let hold = try await fixture.ledger.capture(key: "c1", holdID: holdID, actualMicros: 2_500_000)
        #expect(hold.capturedMicros == 2_000_000)
        #expect(hold.excessMicros == 500_000)
        #expect(hold.shortfallMicros == 0)
        #expect(try await fixture.balance().available == usd(7_500_000))
        try await fixture.expectInvariants()
    }

    @Test func excessAvailableCannotCoverIsFlaggedNotDropped() async throws {
        let fixture = try await LedgerFixture.make(fundedMicros: 1_000_000)
        let holdID = try await fixture.ledger.hold(
            key: "h1", userID: "alice", amount: usd(1_000_000), provider: "venice")
        let hold = try await fixture.ledger.capture(key: "c1", holdID: holdID, actualMicros: 1_800_000)
        #expect(hold.excessMicros == 800_000)
        #expect(hold.shortfallMicros == 800_000)
        #expect(try await fixture.balance().available == usd(-800_000))
        try await fixture.expectInvariants()
    }

    @Test func resolvedHoldsCannotBeResolvedAgain() async throws {
        let fixture = try await LedgerFixture.make()
        let captured = try await fixture.ledger.hold(
            key: "h1", userID: "alice", amount: usd(1_000_000), provider: "venice")
        _ = try await fixture.ledger.capture(key: "c1", holdID: captured, actualMicros: 1_000_000)
        let released = try await fixture.ledger.hold(
            key: "h2", userID: "alice", amount: usd(1_000_000), provider: "venice")
        let releasedHold = try await fixture.ledger.release(key: "r2", holdID: released)
        #expect(releasedHold.state == .released)
        #expect(releasedHold.releasedMicros == 1_000_000)
        for (key, holdID) in [("c1-again", captured), ("r2-again", released)] {
            await #expect(throws: LedgerError.self) { try await fixture.ledger.release(key: key, holdID: holdID) }
            await #expect(throws: LedgerError.self) {
                try await fixture.ledger.capture(key: key + "c", holdID: holdID, actualMicros: 1)
            }
        }
        #expect(try await fixture.balance().available == usd(9_000_000))
        try await fixture.expectInvariants()
    }

    @Test func creditLimitLetsAvailableGoNegativeThroughAHoldOnlyThatFar() async throws {
        let fixture = try await LedgerFixture.make(fundedMicros: 0, creditLimitMicros: 5_000_000)
        _ = try await fixture.ledger.hold(key: "h1", userID: "alice", amount: usd(5_000_000), provider: "aigate")
        await #expect(throws: LedgerError.self) {
            try await fixture.ledger.hold(key: "h2", userID: "alice", amount: usd(1), provider: "aigate")
        }
        #expect(try await fixture.balance().available == usd(-5_000_000))
        try await fixture.expectInvariants()
    }
}

@Suite struct LedgerBadInputTests {
    /// Expects `body` to throw the `LedgerError` case named `expected` (its associated text aside).
    func expectLedgerError(_ expected: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("no error")
        } catch let error as LedgerError {
            let kind = Mirror(reflecting: error).children.first?.label ?? "\(error)"
            #expect(kind == expected, "unexpected \(error)")
        } catch {
            Issue.record("untyped error \(error)")
        }
    }

    @Test func refusesBadAmountsUsersAndCurrencies() async throws {
        let fixture = try await LedgerFixture.make()
        await expectLedgerError("invalidAmount") {
            _ = try await fixture.ledger.hold(key: "z", userID: "alice", amount: usd(0), provider: "venice")
        }
        await expectLedgerError("invalidAmount") {
            _ = try await fixture.ledger.topUp(key: "n", userID: "alice", amount: usd(-5))
        }
        await expectLedgerError("unknownUser") {
            _ = try await fixture.ledger.hold(key: "u", userID: "nobody", amount: usd(1), provider: "venice")
        }
        await expectLedgerError("insufficientFunds") {
            _ = try await fixture.ledger.hold(
                key: "x", userID: "alice", amount: Money(micros: 1, currency: .xno), provider: "nanogpt")
        }
        await expectLedgerError("unknownHold") {
            _ = try await fixture.ledger.capture(key: "c", holdID: 999_999, actualMicros: 1)
        }
        await expectLedgerError("invalidAmount") {
            _ = try await fixture.ledger.topUp(key: "big", userID: "alice", amount: usd(.max))
        }
        await expectLedgerError("idempotencyConflict") {
            _ = try await fixture.ledger.hold(key: "", userID: "alice", amount: usd(1), provider: "venice")
        }
        await expectLedgerError("userConflict") {
            try await fixture.ledger.createUser("alice", creditLimitMicros: 7)
        }
        // Nothing half-written: the failed calls left no operations, holds or transfers behind.
        let counts = try await fixture.pool.withSession { session in
            try session.query(
                "SELECT (SELECT count(*) FROM ledger_operations), (SELECT count(*) FROM holds), (SELECT count(*) FROM transfers)"
            )[0]
        }
        #expect(try counts.decode(0, as: Int64.self) == 1)
        #expect(try counts.decode(1, as: Int64.self) == 0)
        #expect(try counts.decode(2, as: Int64.self) == 1)
        #expect(try await fixture.balance().available == usd(10_000_000))
        try await fixture.expectInvariants()
    }
}
