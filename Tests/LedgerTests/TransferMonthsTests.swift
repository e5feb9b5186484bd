import Basics
import Foundation
import Ledger
import Money
import Postgres
import Testing

/// The journal partitioned by month: rows find their month's table, a finished month leaves the
/// journal with its per-account sums kept, and comes back; every balance equals its journal at
/// every step, and nothing that would break that is allowed.
@Suite struct TransferMonthsTests {
    static let january = CalendarDay(year: 2025, month: 1, day: 1)!
    static let february = CalendarDay(year: 2025, month: 2, day: 1)!
    static let march = CalendarDay(year: 2025, month: 3, day: 1)!

    /// Alice funded in January; three jobs settled in January, one held on 31 January and
    /// captured on 1 February, two settled in February (one released), and one settled now:
    /// 11 transfers in January (a top-up, three of each job), 7 in February.
    static func history() async throws -> (fixture: LedgerFixture, months: TransferMonths) {
        let fixture = try await LedgerFixture.make(fundedMicros: 50_000_000)
        try await backdate(fixture, operation: "fund-alice", to: "2025-01-10T08:00:00Z")
        for index in 0..<3 {
            try await settle(
                fixture, "jan-\(index)", held: "2025-01-1\(index)T10:00:00Z", settled: "2025-01-1\(index)T10:05:00Z")
        }
        try await settle(fixture, "across", held: "2025-01-31T23:55:00Z", settled: "2025-02-01T00:05:00Z")
        try await settle(fixture, "feb-0", held: "2025-02-03T09:00:00Z", settled: "2025-02-03T09:30:00Z")
        try await settle(fixture, "feb-1", held: "2025-02-04T09:00:00Z", settled: "2025-02-04T09:30:00Z", release: true)
        try await settle(fixture, "now", held: nil, settled: nil)
        return (fixture, TransferMonths(pool: fixture.pool))
    }

    static func settle(
        _ fixture: LedgerFixture, _ name: String, held: String?, settled: String?, release: Bool = false
    ) async throws {
        let hold = try await fixture.ledger.hold(
            key: "h-\(name)", userID: "alice", amount: usd(1_000_000), provider: "aimo")
        if release {
            _ = try await fixture.ledger.release(key: "s-\(name)", holdID: hold)
        } else {
            _ = try await fixture.ledger.capture(key: "s-\(name)", holdID: hold, actualMicros: 800_000)
        }
        guard let held, let settled else { return }
        try await fixture.pool.withSession { session in
            try session.execute(
                "UPDATE transfers SET created_at = $2::timestamptz WHERE hold_id = $1 AND kind = 'hold'", [hold, held])
            try session.execute(
                "UPDATE transfers SET created_at = $2::timestamptz WHERE hold_id = $1 AND kind <> 'hold'",
                [hold, settled])
            try session.execute(
                "UPDATE holds SET created_at = $2::timestamptz, resolved_at = $3::timestamptz WHERE id = $1",
                [hold, held, settled])
        }
    }

    static func backdate(_ fixture: LedgerFixture, operation: String, to instant: String) async throws {
        try await fixture.pool.withSession { session in
            try session.execute(
                "UPDATE transfers SET created_at = $2::timestamptz WHERE operation_key = $1", [operation, instant])
        }
    }

    static func count(_ pool: PostgresPool, _ sql: String) async throws -> Int64 {
        try await pool.withSession { session in try session.query(sql)[0].decode(0) }
    }

    @Test func rowsWithoutTheirMonthWaitInTheDefaultAndMoveWhenItIsMade() async throws {
        let (fixture, months) = try await Self.history()
        let waiting = try await Self.count(fixture.pool, "SELECT count(*) FROM transfers_default")
        #expect(waiting == 11 + 7, "back-dated rows before their months exist")
        let total = try await Self.count(fixture.pool, "SELECT count(*) FROM transfers")
        try await fixture.expectInvariants()

        // The spend rollup rebuilt for the back-dated months: its rows wait in its own default.
        let rollupRows = try await Self.count(
            fixture.pool, "SELECT dashboard_rebuild_spend_rollup('2025-01-01', '2025-02-28')")
        #expect(rollupRows == 5, "captures on 10-12 January, 1 and 3 February")
        #expect(try await Self.count(fixture.pool, "SELECT count(*) FROM user_spend_daily_default") == 5)
        #expect(try await months.ensureAhead() == 4, "two months of transfers, two of the rollup")
        #expect(try await Self.count(fixture.pool, "SELECT count(*) FROM transfers_default") == 0)
        #expect(try await Self.count(fixture.pool, "SELECT count(*) FROM user_spend_daily_default") == 0)
        #expect(try await Self.count(fixture.pool, "SELECT count(*) FROM user_spend_daily_2025_02") == 2)
        #expect(try await Self.count(fixture.pool, "SELECT count(*) FROM transfers") == total)
        #expect(try await Self.count(fixture.pool, "SELECT count(*) FROM transfers_2025_01") == 11)
        let live = try await months.liveMonths()
        #expect(live.contains(Self.january) && live.contains(Self.february))
        let today = CalendarDay.today().firstOfMonth
        #expect(live.contains(TransferMonths.month(today, adding: TransferMonths.monthsAhead)))
        #expect(try await months.ensureAhead() == 0, "making months is idempotent")
        try await fixture.expectInvariants()
    }

    @Test func aMonthLeavesTheJournalWithItsSumsAndComesBack() async throws {
        let (fixture, months) = try await Self.history()
        try await months.ensureAhead()
        let before = try await months.digest(before: Self.march)
        let balance = try await fixture.balance()

        #expect(try await months.detach(Self.january) == "transfers_2025_01")
        #expect(try await months.detach(Self.january) == "transfers_2025_01", "detaching again changes nothing")
        #expect(
            try await Self.count(
                fixture.pool, "SELECT count(*) FROM transfers WHERE created_at < '2025-02-01T00:00:00Z'") == 0)
        #expect(
            try await Self.count(fixture.pool, "SELECT count(*) FROM transfers_2025_01") == 11, "kept until written")
        #expect(try await months.digest(before: Self.march) == before)
        #expect(try await fixture.balance() == balance)
        try await fixture.expectInvariants()

        try await months.recordWritten(Self.january, path: "/archive/transfers_2025_01.pgdump", bytes: 1, sha256: "ab")
        #expect(
            try await Self.count(fixture.pool, "SELECT count(*) FROM pg_class WHERE relname = 'transfers_2025_01'") == 0
        )
        let archived = try await months.archivedMonths()
        #expect(archived.map(\.state) == [.archived] && archived[0].transfers == 11)
        try await fixture.expectInvariants()

        // February (its table still here) goes and comes back.
        #expect(try await months.detach(Self.february) == "transfers_2025_02")
        try await fixture.expectInvariants()
        #expect(try await months.restore(Self.february) == 7)
        #expect(try await months.digest(before: Self.march) == before)
        #expect(try await fixture.balance() == balance)
        #expect(try await months.archivedMonths().map(\.month) == [Self.january])
        try await fixture.expectInvariants()
    }

    @Test func nothingLeavesThatWouldBreakAnInvariant() async throws {
        let (fixture, months) = try await Self.history()
        try await months.ensureAhead()
        func refused(_ body: () async throws -> Void) async -> String? {
            do {
                try await body()
                return nil
            } catch let LedgerError.archiveRefused(message) {
                return message
            } catch {
                return "\(error)"
            }
        }
        let current = CalendarDay.today().firstOfMonth
        #expect(try await refused { _ = try await months.detach(current) }?.contains("has not ended") == true)
        #expect(try await refused { _ = try await months.restore(Self.january) }?.contains("is not archived") == true)

        // A hold taken in February and still open keeps February (and later) in the journal.
        let open = try await fixture.ledger.hold(key: "h-open", userID: "alice", amount: usd(500_000), provider: "aimo")
        try await fixture.pool.withSession { session in
            try session.execute("UPDATE transfers SET created_at = '2025-02-20T00:00:00Z' WHERE hold_id = $1", [open])
            try session.execute("UPDATE holds SET created_at = '2025-02-20T00:00:00Z' WHERE id = $1", [open])
        }
        #expect(try await refused { _ = try await months.detach(Self.february) }?.contains("still open") == true)
        #expect(try await months.detach(Self.january) == "transfers_2025_01", "January's holds all ended")
        _ = try await fixture.ledger.release(key: "s-open", holdID: open)
        #expect(try await months.detach(Self.february) == "transfers_2025_02")
        try await fixture.expectInvariants()

        // A detached table that no longer matches its recorded sums is not let back in.
        try await fixture.pool.withSession { session in
            try session.execute("UPDATE transfers_2025_02 SET amount_micros = amount_micros + 1 WHERE kind = 'capture'")
        }
        #expect(try await refused { _ = try await months.restore(Self.february) }?.contains("disagrees") == true)
        try await fixture.pool.withSession { session in
            try session.execute("DELETE FROM transfers_2025_02 WHERE kind = 'release'")
        }
        #expect(
            try await refused { _ = try await months.restore(Self.february) }?.contains("rows; the archive recorded")
                == true)
        try await fixture.expectInvariants()
    }

    /// Months leave and come back while the service keeps writing the current month: no write
    /// fails or waits long, and every balance equals its journal afterwards.
    @Test func monthsMoveWhileTheLedgerKeepsWriting() async throws {
        let (fixture, months) = try await Self.history()
        try await months.ensureAhead()
        let before = try await months.digest(before: Self.march)
        let writers = (0..<4).map { writer in
            Task {
                for index in 0..<40 {
                    let hold = try await fixture.ledger.hold(
                        key: "w\(writer)-\(index)", userID: "alice", amount: usd(10_000), provider: "venice")
                    _ = try await fixture.ledger.capture(key: "c\(writer)-\(index)", holdID: hold, actualMicros: 9_000)
                }
            }
        }
        for _ in 0..<3 {
            #expect(try await months.detach(Self.january) == "transfers_2025_01")
            #expect(try await months.detach(Self.february) == "transfers_2025_02")
            #expect(try await months.restore(Self.february) == 7)
            #expect(try await months.restore(Self.january) == 11)
        }
        for writer in writers { try await writer.value }
        #expect(try await months.digest(before: Self.march) == before)
        #expect(
            try await Self.count(fixture.pool, "SELECT count(*) FROM transfers WHERE operation_key LIKE 'c%-%'") == 4
                * 40 * 2)
        #expect(try await months.archivedMonths().isEmpty)
        try await fixture.expectInvariants()
    }
}
