import Foundation
import Money
import Postgres

/// The ledger's operations as statements on a session, for callers that must change money in
/// the same transaction as their own rows (job settlement). `Ledger` wraps each in its own
/// transaction. Both call the same SQL functions, the one place balances change.
public enum LedgerStatements {
    /// Makes the rows the ledger writes for the rest of this transaction record `actor` (the
    /// token name behind a REST write; migration 0011's `created_by` columns default to it).
    /// Must run inside a transaction: the setting is transaction-local and ends with it. Nil
    /// leaves the rows unattributed (the service's own writes).
    public static func setActor(_ session: PostgresSession, _ actor: String?) throws {
        guard let actor else { return }
        try run { _ = try session.queryPrepared("SELECT set_config('videoledger.actor', $1, true)", [actor]) }
    }

    public static func topUp(_ session: PostgresSession, key: String, userID: String, amount: Money) throws -> Int64 {
        try run {
            try session.queryPrepared(
                "SELECT ledger_top_up($1, $2, $3, $4)", [key, userID, amount.currency.rawValue, amount.micros])[0]
                .decode(0)
        }
    }

    public static func hold(
        _ session: PostgresSession, key: String, userID: String, amount: Money, provider: String, jobID: UUID?
    ) throws -> Int64 {
        try run {
            try session.queryPrepared(
                "SELECT ledger_hold($1, $2, $3, $4, $5, $6)",
                [
                    key, userID, amount.currency.rawValue, amount.micros, provider,
                    jobID.map { $0 as any PostgresEncodable },
                ]
            )[0].decode(0)
        }
    }

    public static func capture(_ session: PostgresSession, key: String, holdID: Int64, actualMicros: Int64) throws
        -> Hold
    {
        try run {
            try Hold(
                row: session.queryPrepared(
                    "SELECT \(Hold.columns) FROM ledger_capture($1, $2, $3)", [key, holdID, actualMicros])[0])
        }
    }

    public static func release(_ session: PostgresSession, key: String, holdID: Int64) throws -> Hold {
        try run {
            try Hold(
                row: session.queryPrepared("SELECT \(Hold.columns) FROM ledger_release($1, $2)", [key, holdID])[0])
        }
    }

    public static func hold(_ session: PostgresSession, id: Int64) throws -> Hold? {
        try run {
            try session.queryPrepared("SELECT \(Hold.columns) FROM holds WHERE id = $1", [id]).first.map(
                Hold.init(row:))
        }
    }

    private static func run<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw LedgerError.wrap(error) }
    }
}
