import Foundation
import Money
import Postgres

/// The ledger's operations as statements on a session, for callers that must change money in
/// the same transaction as their own rows (job settlement). `Ledger` wraps each in its own
/// transaction. Both call the same SQL functions, the one place balances change.
public enum LedgerStatements {
    public static func topUp(_ session: PostgresSession, key: String, userID: String, amount: Money) throws -> Int64 {
        try run {
            try session.query("SELECT ledger_top_up($1, $2, $3, $4)", [key, userID, amount.currency.rawValue, amount.micros])[0]
                .decode(0)
        }
    }

    public static func hold(
        _ session: PostgresSession, key: String, userID: String, amount: Money, provider: String, jobID: UUID?
    ) throws -> Int64 {
        try run {
            try session.query(
                "SELECT ledger_hold($1, $2, $3, $4, $5, $6)",
                [key, userID, amount.currency.rawValue, amount.micros, provider, jobID.map { $0 as any PostgresEncodable }]
            )[0].decode(0)
        }
    }

    public static func capture(_ session: PostgresSession, key: String, holdID: Int64, actualMicros: Int64) throws -> Hold {
        try run { try Hold(row: session.query("SELECT * FROM ledger_capture($1, $2, $3)", [key, holdID, actualMicros])[0]) }
    }

    public static func release(_ session: PostgresSession, key: String, holdID: Int64) throws -> Hold {
        try run { try Hold(row: session.query("SELECT * FROM ledger_release($1, $2)", [key, holdID])[0]) }
    }

    public static func hold(_ session: PostgresSession, id: Int64) throws -> Hold? {
        try run { try session.query("SELECT * FROM holds WHERE id = $1", [id]).first.map(Hold.init(row:)) }
    }

    private static func run<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw LedgerError.wrap(error) }
    }
}
