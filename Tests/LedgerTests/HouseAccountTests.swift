import Foundation
import Ledger
import Money
import Postgres
import Testing

/// A provider's payable account and the world account are spread over several rows, so that
/// settlements with one provider do not queue on one row lock; the balance is their sum, and
/// every invariant holds exactly as with one row.
@Suite struct HouseAccountTests {
    @Test func capturesSpreadOverPayableRowsThatSumToWhatWasCaptured() async throws {
        let fixture = try await LedgerFixture.make(fundedMicros: 100_000_000)
        var captured: Int64 = 0
        for index in 0..<40 {
            let hold = try await fixture.ledger.hold(
                key: "h-\(index)", userID: "alice", amount: usd(100_000), provider: "venice")
            let actual = Int64(50_000 + index * 1_000)
            _ = try await fixture.ledger.capture(key: "c-\(index)", holdID: hold, actualMicros: actual)
            captured += actual
        }
        for index in 0..<8 {
            _ = try await fixture.ledger.topUp(key: "more-\(index)", userID: "alice", amount: usd(1_000))
        }
        let (rows, total, worldRows) = try await fixture.pool.withSession { session in
            let payable = try session.query(
                "SELECT count(*), sum(balance_micros)::bigint FROM accounts WHERE owner = 'provider:venice' AND kind = 'payable'"
            )[0]
            let world: Int64 = try session.query("SELECT count(*) FROM accounts WHERE kind = 'world'")[0].decode(0)
            return (try payable.decode(0, as: Int64.self), try payable.decode(1, as: Int64.self), world)
        }
        #expect(rows > 1 && rows <= 16, "payable rows: \(rows)")
        #expect(total == captured)
        #expect(worldRows > 1, "top-ups spread over world rows too")
        try await fixture.expectInvariants()
    }
}
