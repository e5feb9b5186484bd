import Postgres

/// What `/metrics` shows of the ledger: balances by account kind and currency, open holds and
/// recorded shortfalls. Three grouped statements, each bounded by the number of accounts or by
/// a partial index (open holds, holds with a shortfall), however large the journal.
public struct LedgerTotals: Sendable {
    /// Keyed by account kind (`available`, `held`, `payable`, `world`), then currency.
    public var balances: [String: [String: Int64]] = [:]
    /// By currency.
    public var openHolds: [String: (count: Int64, micros: Int64)] = [:]
    public var shortfalls: [String: (count: Int64, micros: Int64)] = [:]

    public static let accountKinds = ["available", "held", "payable", "world"]

    public static func read(_ pool: PostgresPool) async throws -> LedgerTotals {
        try await pool.withSession { session in
            var totals = LedgerTotals()
            for row in try session.query(
                "SELECT kind, currency, sum(balance_micros)::bigint FROM accounts GROUP BY 1, 2")
            {
                totals.balances[try row.decode(0), default: [:]][try row.decode(1)] = try row.decode(2, as: Int64.self)
            }
            for row in try session.query(
                "SELECT currency, count(*), coalesce(sum(amount_micros), 0)::bigint FROM holds WHERE state = 'open' GROUP BY 1"
            ) {
                totals.openHolds[try row.decode(0)] = (
                    try row.decode(1, as: Int64.self), try row.decode(2, as: Int64.self)
                )
            }
            for row in try session.query(
                "SELECT currency, count(*), sum(shortfall_micros)::bigint FROM holds WHERE shortfall_micros > 0 GROUP BY 1"
            ) {
                totals.shortfalls[try row.decode(0)] = (
                    try row.decode(1, as: Int64.self), try row.decode(2, as: Int64.self)
                )
            }
            return totals
        }
    }
}
