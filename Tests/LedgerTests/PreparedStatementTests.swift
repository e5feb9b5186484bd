import Foundation
import Ledger
import Money
import Postgres
import TestSupport
import Testing

/// The ledger's statements are prepared once per connection. A migration that adds a column to
/// `holds` while a connection keeps them (a rolling deploy: the new version migrates, the old
/// one still serves) must not break that connection's captures, releases or reads.
@Suite struct PreparedStatementTests {
    @Test func aColumnAddedUnderAPreparedConnectionBreaksNothing() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        try await Ledger(pool: pool).createUser("alice")
        try await Ledger(pool: pool).topUp(
            key: "fund", userID: "alice", amount: Money(micros: 10_000_000, currency: .usd))
        @Sendable func holdAndSettle(_ round: Int) async throws -> (Hold, Hold, Hold?) {
            try await pool.transaction { session in
                let amount = Money(micros: 1_000_000, currency: .usd)
                let first = try LedgerStatements.hold(
                    session, key: "hold-a-\(round)", userID: "alice", amount: amount, provider: "venice", jobID: nil)
                let second = try LedgerStatements.hold(
                    session, key: "hold-b-\(round)", userID: "alice", amount: amount, provider: "venice", jobID: nil)
                let captured = try LedgerStatements.capture(
                    session, key: "capture-\(round)", holdID: first, actualMicros: 400_000)
                let released = try LedgerStatements.release(session, key: "release-\(round)", holdID: second)
                return (captured, released, try LedgerStatements.hold(session, id: first))
            }
        }
        _ = try await holdAndSettle(1)  // prepares every statement on the pool's one connection
        let migrator = PostgresConnection(connectionString: pool.configuration.connectionString)
        try await migrator.withSession { session in
            try session.execute("ALTER TABLE holds ADD COLUMN added_by_a_later_version text")
        }
        await migrator.close()
        let (captured, released, read) = try await holdAndSettle(2)
        #expect(captured.state == .captured && captured.capturedMicros == 400_000)
        #expect(released.state == .released && released.releasedMicros == 1_000_000)
        #expect(read == captured)
        #expect(try await Ledger(pool: pool).balance(userID: "alice", currency: .usd).available.micros == 9_200_000)
        #expect(try await ledgerInvariantViolations(pool).isEmpty)
        await pool.close()
    }
}
