import Basics
import Foundation
import Ledger
import Money
import Postgres
import Reports
import TestSupport
import Testing

/// `videoledger archive`, the real binary against a real database: old months go to files that
/// `pg_restore` reads, balances and invariants never change, a month with an open hold stays,
/// a tampered file is not restored, and hostile input is refused before anything runs.
@Suite struct ArchiveCommandTests {
    struct Run {
        let status: Int32
        let output: String
    }

    static func videoledger(_ arguments: [String], database: String) async throws -> Run {
        let binary = try #require(ServeWithoutCredentialsTests.binaryPath(), "videoledger was not built")
        var environment = ChildProcess.minimalEnvironment(libpq: true)
        environment["DATABASE_URL"] = database
        environment["VIDEOLEDGER_MIGRATIONS_DIR"] = TestDatabase.repositoryRoot + "/migrations"
        let finished = environment
        return try await TestDatabase.runBlocking {
            do {
                return Run(
                    status: 0,
                    output: try ChildProcess.run(binary, arguments, captureOutput: true, environment: finished))
            } catch let failure as ChildProcess.Failure {
                return Run(status: failure.status, output: failure.output)
            }
        }
    }

    static func settle(
        _ ledger: Ledger, _ pool: PostgresPool, _ name: String, at instant: String, release: Bool = false
    )
        async throws -> Int64
    {
        let hold = try await ledger.hold(
            key: "h-\(name)", userID: "alice", amount: Money(micros: 1_000_000, currency: .usd), provider: "aimo")
        if release {
            _ = try await ledger.release(key: "s-\(name)", holdID: hold)
        } else {
            _ = try await ledger.capture(key: "s-\(name)", holdID: hold, actualMicros: 700_000)
        }
        try await backdate(pool, hold: hold, to: instant)
        return hold
    }

    static func backdate(_ pool: PostgresPool, hold: Int64, to instant: String) async throws {
        try await pool.withSession { session in
            try session.execute(
                "UPDATE transfers SET created_at = $2::timestamptz WHERE hold_id = $1", [hold, instant])
            try session.execute(
                """
                UPDATE holds SET created_at = $2::timestamptz,
                                 resolved_at = CASE WHEN state = 'open' THEN NULL ELSE $2::timestamptz END
                WHERE id = $1
                """, [hold, instant])
        }
    }

    static func balances(_ pool: PostgresPool) async throws -> [String] {
        try await pool.withSession { session in
            try session.query("SELECT id || ':' || balance_micros FROM accounts ORDER BY id").map { try $0.decode(0) }
        }
    }

    static func count(_ pool: PostgresPool, _ sql: String) async throws -> Int64 {
        try await pool.withSession { session in try session.query(sql)[0].decode(0) }
    }

    @Test func oldMonthsGoToFilesAndComeBackWithEveryBalanceUnchanged() async throws {
        let pool = try await TestDatabase.makePool()
        let database = pool.configuration.connectionString
        let ledger = Ledger(pool: pool)
        try await ledger.createUser("alice", creditLimitMicros: 0)
        _ = try await ledger.topUp(key: "fund", userID: "alice", amount: Money(micros: 50_000_000, currency: .usd))
        try await pool.withSession { session in
            try session.execute("UPDATE transfers SET created_at = '2025-01-10T08:00:00Z' WHERE operation_key = 'fund'")
        }
        _ = try await Self.settle(ledger, pool, "jan", at: "2025-01-12T10:00:00Z")
        _ = try await Self.settle(ledger, pool, "feb", at: "2025-02-03T10:00:00Z")
        _ = try await Self.settle(ledger, pool, "feb-failed", at: "2025-02-04T10:00:00Z", release: true)
        let open = try await ledger.hold(
            key: "h-open", userID: "alice", amount: Money(micros: 500_000, currency: .usd), provider: "aimo")
        try await Self.backdate(pool, hold: open, to: "2025-02-20T10:00:00Z")
        _ = try await ledger.hold(
            key: "h-now", userID: "alice", amount: Money(micros: 200_000, currency: .usd), provider: "aimo")
        let january = try await Self.count(pool, "SELECT count(*) FROM transfers WHERE created_at < '2025-02-01Z'")
        let out = NSTemporaryDirectory() + "videoledger-archive-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: out) }

        // February has an open hold: January goes, February stays.
        let first = try await Self.videoledger(["archive", "--before", "2025-03", "--out", out], database: database)
        #expect(first.status == 1, "\(first.output)")
        #expect(first.output.contains("archived 2025-01"), "\(first.output)")
        #expect(first.output.contains("refused 2025-02") && first.output.contains("still open"), "\(first.output)")

        _ = try await ledger.release(key: "s-open", holdID: open)
        let balances = try await Self.balances(pool)
        let second = try await Self.videoledger(["archive", "--before", "2025-03", "--out", out], database: database)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("archived 2025-02"), "\(second.output)")
        #expect(second.output.contains("totals unchanged"), "\(second.output)")
        #expect(!second.output.contains("postgres://") && !second.output.contains("passfile"), "no connection string")

        // Files: 0600 in a 0700 folder, whole (no partial left), and nothing before March left live.
        let manager = FileManager.default
        #expect((try manager.attributesOfItem(atPath: out)[.posixPermissions] as? Int) == 0o700)
        #expect(
            try manager.contentsOfDirectory(atPath: out).sorted() == [
                "transfers_2025_01.pgdump", "transfers_2025_02.pgdump",
            ])
        let janFile = out + "/transfers_2025_01.pgdump"
        #expect((try manager.attributesOfItem(atPath: janFile)[.posixPermissions] as? Int) == 0o600)
        #expect(try await Self.count(pool, "SELECT count(*) FROM transfers WHERE created_at < '2025-03-01Z'") == 0)
        #expect(try await Self.balances(pool) == balances)
        #expect(try await ledgerInvariantViolations(pool).isEmpty)

        // A report that would read an archived month says so instead of showing less money.
        await #expect(throws: ReportError.monthArchived("2025-02")) {
            try await ReportRunner(pool: pool, definitionsDirectory: TestDatabase.repositoryRoot + "/reports").nightly(
                NightlyReportRequest(
                    date: CalendarDay(year: 2025, month: 2, day: 10)!, outputDirectory: out + "-report"))
        }
        let listing = try await Self.videoledger(["archive", "list"], database: database)
        #expect(listing.output.contains("2025-01  archived  \(january) transfers"), "\(listing.output)")

        // A file that changed since it was written is not restored.
        let original = try Data(contentsOf: URL(fileURLWithPath: janFile))
        try (original + Data([0])).write(to: URL(fileURLWithPath: janFile))
        let tampered = try await Self.videoledger(["archive", "restore", "--month", "2025-01"], database: database)
        #expect(tampered.status == 1 && tampered.output.contains("SHA-256"), "\(tampered.output)")
        try original.write(to: URL(fileURLWithPath: janFile))

        let restored = try await Self.videoledger(["archive", "restore", "--month", "2025-01"], database: database)
        #expect(restored.status == 0, "\(restored.output)")
        #expect(restored.output.contains("restored 2025-01: \(january) transfers"), "\(restored.output)")
        #expect(
            try await Self.count(pool, "SELECT count(*) FROM transfers WHERE created_at < '2025-02-01Z'") == january)
        #expect(try await Self.count(pool, "SELECT count(*) FROM ledger_archived_months") == 1)
        #expect(try await Self.balances(pool) == balances)
        #expect(try await ledgerInvariantViolations(pool).isEmpty)

        // Killed between taking a month out and writing its file: the next run writes it.
        let januaryFirst = CalendarDay(year: 2025, month: 1, day: 1)!
        #expect(try await TransferMonths(pool: pool).detach(januaryFirst) == "transfers_2025_01")
        try manager.removeItem(atPath: janFile)
        let resumed = try await Self.videoledger(["archive", "--before", "2025-01", "--out", out], database: database)
        #expect(resumed.status == 0 && resumed.output.contains("archived 2025-01"), "\(resumed.output)")
        #expect(manager.fileExists(atPath: janFile))
        #expect(try await TransferMonths(pool: pool).archivedMonths().map(\.state) == [.archived, .archived])
        #expect(try await Self.balances(pool) == balances)
        #expect(try await ledgerInvariantViolations(pool).isEmpty)
    }

    @Test func hostileInputIsRefusedBeforeAnythingRuns() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        let database = pool.configuration.connectionString
        for arguments in [
            ["archive", "--before", "2025-13"], ["archive", "--before", "abc"], ["archive", "--before", "2999-01"],
            ["archive", "--before", "2025-1"], ["archive", "--before", "2025-01-01"],
            ["archive", "restore", "--month", "'; DROP TABLE transfers; --"],
        ] {
            let run = try await Self.videoledger(arguments, database: database)
            #expect(run.status == 64, "\(arguments): \(run.output)")
        }
        let empty = try await Self.videoledger(
            [
                "archive", "--before", "2024-01", "--out",
                NSTemporaryDirectory() + "videoledger-archive-empty-\(getpid())",
            ],
            database: database)
        #expect(empty.status == 0 && empty.output.contains("nothing to archive before 2024-01"), "\(empty.output)")
        #expect(empty.output.contains("0 accounts, nothing moved"), "\(empty.output)")
        let nothing = try await Self.videoledger(["archive", "restore", "--month", "2024-05"], database: database)
        #expect(nothing.status == 1 && nothing.output.contains("not archived"), "\(nothing.output)")
        #expect(try await Self.count(pool, "SELECT count(*) FROM ledger_archived_months") == 0)
    }
}
