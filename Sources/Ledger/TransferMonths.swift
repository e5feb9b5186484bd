import Basics
import Crypto
import Foundation
import Money
import Postgres

/// The journal's month tables (migration 0015): `transfers` is partitioned by UTC calendar
/// month, each month a table `transfers_YYYY_MM`. This type creates months ahead of time and
/// moves a finished month out of the journal and back; writing the month to a file is the
/// caller's (`videoledger archive`), between `detach` and `recordWritten`.
///
/// Every step is one transaction of a SQL function that keeps balances equal to their journal:
/// a detached month's per-account sums are recorded (`ledger_archived_journal`) in the same
/// transaction that takes it out, and removed in the one that puts it back.
public struct TransferMonths: Sendable {
    /// Months created ahead of the current one, so a month's first write never waits for its
    /// table (a write with no month table still lands, in `transfers_default`).
    public static let monthsAhead = 2

    /// A month out of the journal.
    public struct ArchivedMonth: Sendable, Equatable {
        public enum State: String, Sendable {
            /// Out of the journal, its table still in the database: not yet in a file.
            case detached
            /// In a checked file; the table dropped.
            case archived
        }
        public let month: CalendarDay
        public let table: String
        public let state: State
        public let transfers: Int64
        public let filePath: String?
        public let fileSHA256: String?
    }

    /// What the journal's closed months (live and archived) moved per account: equal before
    /// and after an archive or a restore, or money was lost or made.
    public struct JournalDigest: Sendable, Equatable, CustomStringConvertible {
        public let accounts: Int64
        /// Per currency, the sum of the positive account nets (money that moved in).
        public let movedMicros: [String: Int64]
        /// SHA-256 over every (account, net) pair in account order.
        public let sha256: String

        public var description: String {
            let moved = movedMicros.keys.sorted().map { "\($0) \(DecimalAmount.string(fromMicros: movedMicros[$0]!))" }
            let money = moved.isEmpty ? "nothing moved" : "moved " + moved.joined(separator: ", ")
            return "\(accounts) accounts, \(money), digest \(sha256.prefix(16))"
        }
    }

    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The tables partitioned by month, each with a `<name>_default` partition and the UTC
    /// instant or day its months are taken from: the journal and the daily spend rollup
    /// (migration 0016).
    static let monthlyTables = [("transfers", "created_at AT TIME ZONE 'UTC'"), ("user_spend_daily", "day")]

    /// Creates the month tables of the journal and the spend rollup from `today`'s month through
    /// `monthsAhead` later, and those of any rows their default partitions caught (moving the
    /// rows in); returns how many it created.
    @discardableResult
    public func ensureAhead(today: CalendarDay = .today()) async throws -> Int {
        let from = today.firstOfMonth
        let through = Self.month(from, adding: Self.monthsAhead)
        var created = 0
        for (table, key) in Self.monthlyTables {
            // A default partition is empty but for rows written before their month existed.
            let caught = try await pool.withSession { session in
                try session.query("SELECT DISTINCT to_char(\(key), 'YYYY-MM-01') FROM \(table)_default ORDER BY 1")
                    .map { try $0.decode(0, as: String.self) }
            }
            for (first, last) in caught.map({ ($0, $0) }) + [(from.description, through.description)] {
                let made = try await ledgerCall { session in
                    let rows = try session.query(
                        "SELECT ledger_ensure_months($1, $2::date, $3::date)", [table, first, last])
                    return try rows[0].decode(0, as: Int32.self)
                }
                created += Int(made)
            }
        }
        return created
    }

    /// Every month that has a table in the journal (first days), oldest first.
    public func liveMonths() async throws -> [CalendarDay] {
        try await pool.withSession { session in
            try session.query(
                """
                SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'transfers'::regclass AND c.relname ~ '^transfers_[0-9]{4}_[0-9]{2}$'
                ORDER BY 1
                """
            ).compactMap { row in Self.month(table: try row.decode(0)) }
        }
    }

    public func archivedMonths() async throws -> [ArchivedMonth] {
        try await pool.withSession { session in
            try session.query(
                """
                SELECT to_char(month, 'YYYY-MM-DD'), partition_name, state, transfers, file_path, file_sha256
                FROM ledger_archived_months ORDER BY month
                """
            ).map { row in
                // The schema allows nothing else (a date, two states); a row that says otherwise
                // is an error to report, not a reason to stop the process.
                let monthText: String = try row.decode(0)
                let stateText: String = try row.decode(2)
                guard let month = CalendarDay(iso: monthText) else {
                    throw PostgresError.decoding(column: "month", reason: "'\(monthText)' is outside 1970-9999")
                }
                guard let state = ArchivedMonth.State(rawValue: stateText) else {
                    throw PostgresError.decoding(column: "state", reason: "unknown state '\(stateText)'")
                }
                return ArchivedMonth(
                    month: month, table: try row.decode(1), state: state, transfers: try row.decode(3),
                    filePath: try row.decodeIfPresent(4), fileSHA256: try row.decodeIfPresent(5))
            }
        }
    }

    /// Takes `month` out of the journal, recording its per-account sums; returns its table,
    /// now detached, or nil when the month never had one. Refused (`LedgerError.archiveRefused`)
    /// for the current month or later, or while a hold taken up to its end is still open.
    /// Detaching a month already out returns its table and changes nothing.
    public func detach(_ month: CalendarDay) async throws -> String? {
        try await ledgerCall { session in
            try session.query("SELECT ledger_detach_transfer_month($1::date)", [month.firstOfMonth.description])[0]
                .decodeIfPresent(0, as: String.self)
        }
    }

    /// The detached `month` is in a checked file: records it, and drops the table.
    public func recordWritten(_ month: CalendarDay, path: String, bytes: Int64, sha256: String) async throws {
        try await ledgerCall { session in
            _ = try session.query(
                "SELECT ledger_archived_month_written($1::date, $2, $3, $4)",
                [month.firstOfMonth.description, path, bytes, sha256])
        }
    }

    /// Puts an archived month back once its table is in the database again (`pg_restore`):
    /// checks the table against the recorded sums and attaches it. Returns its transfer count.
    public func restore(_ month: CalendarDay) async throws -> Int64 {
        try await ledgerCall { session in
            try session.query("SELECT ledger_restore_transfer_month($1::date)", [month.firstOfMonth.description])[0]
                .decode(0)
        }
    }

    /// The journal's per-account totals over the months before `cutoff` (a first day), live
    /// and archived, in one snapshot. Those months are closed (a transfer is stamped with its
    /// transaction's start), so the digest stays the same while the service keeps writing, and
    /// changes only if an archive or a restore lost or added money.
    public func digest(before cutoff: CalendarDay) async throws -> JournalDigest {
        try await pool.transaction(isolation: .repeatableRead) { session in
            var hasher = SHA256()
            var accounts: Int64 = 0
            var moved: [String: Int64] = [:]
            for row in try session.query(
                """
                WITH bound AS (SELECT ($1::date)::timestamp AT TIME ZONE 'UTC' AS ends)
                SELECT a.id, a.currency, sum(m.delta)::bigint FROM (
                    SELECT to_account_id AS account_id, amount_micros AS delta FROM transfers, bound WHERE created_at < ends
                    UNION ALL SELECT from_account_id, -amount_micros FROM transfers, bound WHERE created_at < ends
                    UNION ALL SELECT account_id, net_micros FROM ledger_archived_journal WHERE month < $1::date) m
                JOIN accounts a ON a.id = m.account_id
                GROUP BY a.id, a.currency ORDER BY a.id
                """, [cutoff.firstOfMonth.description])
            {
                let (id, currency, net): (Int64, String, Int64) = (
                    try row.decode(0), try row.decode(1), try row.decode(2)
                )
                hasher.update(data: Data("\(id) \(net)\n".utf8))
                accounts += 1
                if net > 0 { moved[currency, default: 0] += net }
            }
            return JournalDigest(
                accounts: accounts, movedMicros: moved,
                sha256: hasher.finalize().map { String(format: "%02x", $0) }.joined())
        }
    }

    /// `transfers_2025_04` → 2025-04-01.
    public static func month(table: String) -> CalendarDay? {
        let parts = table.dropFirst("transfers_".count).split(separator: "_")
        guard table.hasPrefix("transfers_"), parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1])
        else { return nil }
        return CalendarDay(year: year, month: month, day: 1)
    }

    /// The first day of the month `months` after `first`'s.
    public static func month(_ first: CalendarDay, adding months: Int) -> CalendarDay {
        let index = first.year * 12 + (first.month - 1) + months
        return CalendarDay(year: index / 12, month: index % 12 + 1, day: 1)!
    }

    /// Runs `body` in a transaction of its own. A change of months that meets ledger writes
    /// gives up on a lock after 3 s, or loses a deadlock, rather than hold the writes back; the
    /// transaction's own retry of transient conflicts tries it again. A refusal comes back as
    /// `LedgerError`.
    private func ledgerCall<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        do {
            return try await pool.transaction(body)
        } catch {
            throw LedgerError.wrap(error)
        }
    }
}
