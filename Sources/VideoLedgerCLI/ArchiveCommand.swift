import ArgumentParser
import Basics
import Foundation
import Jobs
import Ledger
import Postgres

/// `videoledger archive`: old months of the ledger's journal out of the database into files a
/// user restores with `pg_restore`, and back. Balances never change: what an archived month
/// moved per account stays in the database, and both directions print what the months up to
/// the cutoff moved per account before and after, which must be equal (exit 2 otherwise).
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Archive old months of the ledger's transfers to files, list them, or restore one.",
        subcommands: [Months.self, List.self, Restore.self],
        defaultSubcommand: Months.self)

    struct Months: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "months",
            abstract: "Archive every month of transfers before --before (YYYY-MM) to --out.",
            discussion: """
                Each month is detached from the journal with its per-account sums recorded, written with \
                pg_dump (custom format) to <out>/transfers_YYYY_MM.pgdump, checked, and only then dropped. \
                Refused (exit 1) when the ledger invariants fail, for the current month or later, and while \
                a hold taken before --before is still open. Running it again finishes a month an earlier \
                run left detached.
                """)

        @OptionGroup var database: DatabaseOptions
        @Option(help: "Archive the months before this one (YYYY-MM); at most the current month.")
        var before: String
        @Option(name: .customLong("out"), help: "Folder for the archive files (created 0700).")
        var outputDirectory = "archive"

        func validate() throws {
            guard let month = ArchiveCommand.month(before) else {
                throw ValidationError("--before must be a month, YYYY-MM (e.g. 2025-06), not '\(before)'")
            }
            guard month <= CalendarDay.today().firstOfMonth else {
                throw ValidationError("--before \(before) is after the current month; only ended months can go")
            }
        }

        func run() async throws {
            let cutoff = ArchiveCommand.month(before)!
            let connectionString = try await database.connectionString()
            let pool = PostgresPool(.init(connectionString: connectionString, connectionsMax: 2))
            defer { Task { await pool.close() } }
            try await Migrator(pool: pool, directory: database.resolvedMigrationsDirectory).migrate()
            let months = TransferMonths(pool: pool)
            let file = try MonthArchiveFile(directory: outputDirectory, connectionString: connectionString)

            try await months.ensureAhead()
            try await ArchiveCommand.requireInvariants(pool)
            let before = try await months.digest(before: cutoff)
            print("journal before \(self.before): \(before)")

            let unfinished = try await months.archivedMonths().filter { $0.state == .detached }.map(\.month)
            let due = try await months.liveMonths().filter { $0 < cutoff }
            var archived = 0
            for month in Set(unfinished + due).sorted() {
                do {
                    guard let table = try await months.detach(month) else { continue }
                    let written = try await file.write(table: table)
                    try await months.recordWritten(
                        month, path: written.path, bytes: written.bytes, sha256: written.sha256)
                    print(
                        "archived \(ArchiveCommand.text(month)): \(written.path), \(written.bytes) bytes, sha256 \(written.sha256)"
                    )
                    archived += 1
                } catch let error as LedgerError {
                    print("refused \(ArchiveCommand.text(month)): \(error)")
                    throw ExitCode(1)
                }
            }
            try await ArchiveCommand.requireUnchanged(before, cutoff: cutoff, months: months, pool: pool)
            print(archived == 0 ? "nothing to archive before \(self.before)" : "archived \(archived) month(s)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The journal's live and archived months.")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let pool = try await database.makePool()
            defer { Task { await pool.close() } }
            let months = TransferMonths(pool: pool)
            for month in try await months.archivedMonths() {
                print(
                    "\(ArchiveCommand.text(month.month))  \(month.state.rawValue)  \(month.transfers) transfers  "
                        + "\(month.filePath ?? "-")  \(month.fileSHA256 ?? "-")")
            }
            for month in try await months.liveMonths() { print("\(ArchiveCommand.text(month))  live") }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring an archived month back into the journal.",
            discussion: """
                Loads the month's file with pg_restore (the recorded file, or --file; its SHA-256 must match \
                the one recorded) unless its table is already back, checks the table against the recorded \
                per-account sums, and attaches it.
                """)

        @OptionGroup var database: DatabaseOptions
        @Option(help: "The archived month, YYYY-MM.") var month: String
        @Option(help: "The archive file, when it has moved since it was written.") var file: String?

        func validate() throws {
            guard ArchiveCommand.month(month) != nil else {
                throw ValidationError("--month must be a month, YYYY-MM (e.g. 2025-04), not '\(month)'")
            }
        }

        func run() async throws {
            let first = ArchiveCommand.month(month)!
            let connectionString = try await database.connectionString()
            let pool = PostgresPool(.init(connectionString: connectionString, connectionsMax: 2))
            defer { Task { await pool.close() } }
            let months = TransferMonths(pool: pool)
            guard let archived = try await months.archivedMonths().first(where: { $0.month == first }) else {
                print("month \(month) is not archived")
                throw ExitCode(1)
            }
            let cutoff = TransferMonths.month(first, adding: 1)
            let before = try await months.digest(before: cutoff)
            print("journal before \(ArchiveCommand.text(cutoff)): \(before)")
            if archived.state == .archived, try await !Self.tableExists(archived.table, pool: pool) {
                guard let path = file ?? archived.filePath else { throw ValidationError("say --file") }
                let archive = try MonthArchiveFile(directory: ".", connectionString: connectionString)
                let found = try archive.digest(path)
                guard found.sha256 == archived.fileSHA256 else {
                    print("\(path) has SHA-256 \(found.sha256); the archive recorded \(archived.fileSHA256 ?? "none")")
                    throw ExitCode(1)
                }
                try await archive.restore(path: path, table: archived.table)
            }
            do {
                let transfers = try await months.restore(first)
                print("restored \(month): \(transfers) transfers back in the journal")
            } catch let error as LedgerError {
                print("refused \(month): \(error)")
                throw ExitCode(1)
            }
            try await ArchiveCommand.requireUnchanged(before, cutoff: cutoff, months: months, pool: pool)
        }

        static func tableExists(_ table: String, pool: PostgresPool) async throws -> Bool {
            try await pool.withSession { session in
                try session.query("SELECT to_regclass($1) IS NOT NULL", ["public." + table])[0].decode(0)
            }
        }
    }

    /// `2025-06` → 2025-06-01.
    static func month(_ text: String) -> CalendarDay? {
        guard text.utf8.count == 7, text.utf8.dropFirst(4).first == UInt8(ascii: "-") else { return nil }
        return CalendarDay(iso: text + "-01")
    }

    static func text(_ month: CalendarDay) -> String { String(month.description.prefix(7)) }

    /// Nothing moves out of a ledger that does not add up.
    static func requireInvariants(_ pool: PostgresPool) async throws {
        let failed = try await LedgerInvariants(pool: pool).run(adding: JobInvariants.checks).filter { !$0.passed }
        guard failed.isEmpty else {
            for finding in failed {
                print("FAIL invariant \(finding.check.number): \(finding.check.name)")
                for violation in finding.violations { print("       \(violation)") }
            }
            print("the ledger invariants fail: nothing archived or restored (see videoledger reconcile --invariants)")
            throw ExitCode(1)
        }
    }

    /// The journal's totals are what they were, and the invariants still hold.
    static func requireUnchanged(
        _ before: TransferMonths.JournalDigest, cutoff: CalendarDay, months: TransferMonths, pool: PostgresPool
    ) async throws {
        let after = try await months.digest(before: cutoff)
        print("journal after \(text(cutoff)):  \(after)")
        guard after == before else {
            print("the journal's totals changed: investigate before anything else")
            throw ExitCode(2)
        }
        try await requireInvariants(pool)
        print("totals unchanged; every ledger invariant holds")
    }
}
