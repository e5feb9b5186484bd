import Postgres

/// Checks the ledger invariants of docs/ledger.md over the ledger's tables; the jobs invariant
/// (4) belongs to Jobs (`JobInvariants`) and is passed to `run(adding:)`.
///
/// Each check is one query that returns the rows violating it (at most `samplesMax`), so a
/// clean database returns nothing and a corrupted one says exactly where.
public struct LedgerInvariants: Sendable {
    public struct Check: Sendable {
        public let number: Int
        public let name: String
        /// Returns one text per violating row.
        public let sql: String

        public init(number: Int, name: String, sql: String) {
            self.number = number
            self.name = name
            self.sql = sql
        }
    }

    public struct Finding: Sendable {
        public let check: Check
        /// Human-readable descriptions of the first violating rows; empty when the check passed.
        public let violations: [String]
        public var passed: Bool { violations.isEmpty }
    }

    public static let samplesMax = 20

    public static let checks: [Check] = [
        Check(
            number: 1, name: "per currency, all balances sum to zero",
            sql: """
                SELECT 'currency ' || currency || ' sums to ' || sum(balance_micros)
                FROM accounts GROUP BY currency HAVING sum(balance_micros) <> 0
                """),
        Check(
            number: 1, name: "every transfer balances: each balance equals its journal",
            sql: """
                SELECT 'account ' || a.owner || ':' || a.kind || ' ' || a.currency || ' balance ' || a.balance_micros
                       || ' but journal ' || coalesce(j.net, 0)
                FROM accounts a
                LEFT JOIN (
                    SELECT account_id, sum(delta) AS net FROM (
                        SELECT to_account_id AS account_id, amount_micros AS delta FROM transfers
                        UNION ALL
                        SELECT from_account_id, -amount_micros FROM transfers
                        UNION ALL
                        SELECT account_id, net_micros FROM ledger_archived_journal) moves
                    GROUP BY account_id) j ON j.account_id = a.id
                WHERE a.balance_micros <> coalesce(j.net, 0)
                """),
        Check(
            number: 1, name: "transfers stay within one currency",
            sql: """
                SELECT 'transfer ' || t.id || ' moves ' || t.currency || ' between ' || f.currency || ' and ' || d.currency
                FROM transfers t JOIN accounts f ON f.id = t.from_account_id JOIN accounts d ON d.id = t.to_account_id
                WHERE f.currency <> t.currency OR d.currency <> t.currency
                """),
        Check(
            number: 2, name: "available never below the credit limit, except recorded shortfalls",
            sql: """
                SELECT 'user ' || u.id || ' ' || a.currency || ' available ' || a.balance_micros || ' below limit '
                       || u.credit_limit_micros || ' with shortfalls ' || coalesce(s.total, 0)
                FROM accounts a JOIN users u ON u.id = a.user_id
                LEFT JOIN (SELECT user_id, currency, sum(shortfall_micros) AS total FROM holds GROUP BY user_id, currency) s
                       ON s.user_id = u.id AND s.currency = a.currency
                WHERE a.kind = 'available' AND a.balance_micros + u.credit_limit_micros + coalesce(s.total, 0) < 0
                """),
        Check(
            number: 2, name: "held equals the sum of open holds",
            sql: """
                SELECT 'user ' || a.user_id || ' ' || a.currency || ' held ' || a.balance_micros || ' but open holds '
                       || coalesce(h.total, 0)
                FROM accounts a
                LEFT JOIN (SELECT user_id, currency, sum(amount_micros) AS total FROM holds WHERE state = 'open'
                           GROUP BY user_id, currency) h ON h.user_id = a.user_id AND h.currency = a.currency
                WHERE a.kind = 'held' AND a.balance_micros <> coalesce(h.total, 0)
                """),
        Check(
            number: 3, name: "each hold ends exactly once",
            sql: """
                SELECT 'hold ' || h.id || ' (' || h.state || ') captured ' || h.captured_micros || '/' || coalesce(t.captured, 0)
                       || ' released ' || h.released_micros || '/' || coalesce(t.released, 0)
                       || ' excess ' || h.excess_micros || '/' || coalesce(t.excess, 0) || ' in ' || coalesce(t.ends, 0) || ' operations'
                FROM holds h
                LEFT JOIN (
                    SELECT hold_id,
                           sum(amount_micros) FILTER (WHERE kind = 'capture') AS captured,
                           sum(amount_micros) FILTER (WHERE kind = 'release') AS released,
                           sum(amount_micros) FILTER (WHERE kind = 'excess') AS excess,
                           count(DISTINCT operation_key) FILTER (WHERE kind IN ('capture', 'release', 'excess')) AS ends,
                           sum(amount_micros) FILTER (WHERE kind = 'hold') AS held
                    FROM transfers WHERE hold_id IS NOT NULL GROUP BY hold_id) t ON t.hold_id = h.id
                -- A hold taken in an archived month had ended, checked, before its month left.
                WHERE h.created_at >= (SELECT coalesce((max(month) + interval '1 month')::timestamp AT TIME ZONE 'UTC',
                                                       '-infinity') FROM ledger_archived_months)
                  AND (coalesce(t.held, 0) <> h.amount_micros
                   OR coalesce(t.captured, 0) <> h.captured_micros
                   OR coalesce(t.released, 0) <> h.released_micros
                   OR coalesce(t.excess, 0) <> h.excess_micros
                   OR (h.state = 'open' AND coalesce(t.ends, 0) <> 0)
                   OR (h.state <> 'open' AND coalesce(t.ends, 0) <> 1)
                   OR (h.state <> 'open' AND h.captured_micros + h.released_micros <> h.amount_micros))
                """),
        Check(
            number: 5, name: "every transfer belongs to one recorded idempotent operation",
            sql: """
                SELECT 'transfer ' || t.id || ' (' || t.kind || ') has operation ' || t.operation_key || ' of kind '
                       || coalesce(o.kind, 'none')
                FROM transfers t LEFT JOIN ledger_operations o ON o.key = t.operation_key
                WHERE o.key IS NULL
                   OR (t.kind IN ('capture', 'release', 'excess') AND o.kind NOT IN ('capture', 'release'))
                   OR (t.kind IN ('top_up', 'hold') AND o.kind <> t.kind)
                """),
    ]

    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Runs every check, and those of the modules that own the other tables involved
    /// (`adding`, such as the jobs invariant), in one repeatable-read snapshot, so concurrent
    /// writes cannot make a consistent database look inconsistent. Findings come in check order.
    public func run(adding others: [Check] = []) async throws -> [Finding] {
        let checks = (Self.checks + others).enumerated().sorted {
            ($0.element.number, $0.offset) < ($1.element.number, $1.offset)
        }
        return try await pool.transaction(isolation: .repeatableRead) { session in
            try checks.map(\.element).map { check in
                let rows = try session.query("SELECT * FROM (\(check.sql)) violations LIMIT \(Self.samplesMax)")
                return Finding(check: check, violations: try rows.map { try $0.decode(0) })
            }
        }
    }
}
