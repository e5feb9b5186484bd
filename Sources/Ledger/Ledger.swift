import Foundation
import Money
import Postgres

/// The double-entry, two-phase ledger: top-up, hold, capture, release.
///
/// Each operation is one transaction and is idempotent by its caller-supplied key: repeating a
/// key with the same request returns the first result; with another request it throws
/// `LedgerError.idempotencyConflict`. The invariants (docs/ledger.md) are kept by the SQL
/// functions in `migrations/0001_ledger.sql` and checked by `LedgerInvariants`.
public struct Ledger: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Creates a user; returns false when the user already exists with the same credit limit.
    /// `actor` (a token name) is recorded as the user's `created_by`.
    @discardableResult
    public func createUser(_ userID: String, creditLimitMicros: Int64 = 0, actor: String? = nil) async throws -> Bool {
        guard creditLimitMicros >= 0 else { throw LedgerError.invalidAmount("credit limit must not be negative") }
        return try await pool.transaction { session in
            try LedgerStatements.setActor(session, actor)
            let inserted = try session.execute(
                "INSERT INTO users (id, credit_limit_micros) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
                [userID, creditLimitMicros])
            if inserted == 1 { return true }
            let existing: Int64 = try session.query("SELECT credit_limit_micros FROM users WHERE id = $1", [userID])[0]
                .decode(0)
            guard existing == creditLimitMicros else {
                throw LedgerError.userConflict("user \(userID) exists with credit limit \(existing) micro-units")
            }
            return false
        }
    }

    /// Credits a user's available balance from outside (`world`). Returns the transfer id.
    /// `actor` (a token name) is recorded on the operation and its transfer.
    @discardableResult
    public func topUp(key: String, userID: String, amount: Money, actor: String? = nil) async throws -> Int64 {
        try await run { session in
            guard actor != nil else {
                return try LedgerStatements.topUp(session, key: key, userID: userID, amount: amount)
            }
            return try session.transaction(attemptsMax: 1) { session in
                try LedgerStatements.setActor(session, actor)
                return try LedgerStatements.topUp(session, key: key, userID: userID, amount: amount)
            }
        }
    }

    /// Moves `amount` from available to held; refused when available plus credit cannot cover it.
    public func hold(key: String, userID: String, amount: Money, provider: String, jobID: UUID? = nil) async throws
        -> Int64
    {
        try await run {
            try LedgerStatements.hold($0, key: key, userID: userID, amount: amount, provider: provider, jobID: jobID)
        }
    }

    /// Ends a hold by charging `actualMicros` to its provider; the rest returns to available.
    public func capture(key: String, holdID: Int64, actualMicros: Int64) async throws -> Hold {
        try await run { try LedgerStatements.capture($0, key: key, holdID: holdID, actualMicros: actualMicros) }
    }

    /// Ends a hold by returning all of it to available.
    public func release(key: String, holdID: Int64) async throws -> Hold {
        try await run { try LedgerStatements.release($0, key: key, holdID: holdID) }
    }

    public func hold(id: Int64) async throws -> Hold? {
        try await pool.withSession { try LedgerStatements.hold($0, id: id) }
    }

    /// A user's balances in one currency; zero balances for a currency never used.
    public func balance(userID: String, currency: Currency) async throws -> Balance {
        try await pool.withSession { session in
            let rows = try session.query(
                """
                SELECT u.credit_limit_micros,
                       coalesce((SELECT balance_micros FROM accounts WHERE owner = 'user:' || u.id AND kind = 'available' AND currency = $2), 0),
                       coalesce((SELECT balance_micros FROM accounts WHERE owner = 'user:' || u.id AND kind = 'held' AND currency = $2), 0)
                FROM users u WHERE u.id = $1
                """, [userID, currency.rawValue])
            guard let row = rows.first else { throw LedgerError.unknownUser("unknown user \(userID)") }
            return Balance(
                available: Money(micros: try row.decode(1), currency: currency),
                held: Money(micros: try row.decode(2), currency: currency),
                creditLimitMicros: try row.decode(0))
        }
    }

    /// Deadlock and serialization retries for one ledger statement.
    static let attemptsMax = 5

    /// Runs one ledger statement. Each ledger function is a single statement, atomic on its own,
    /// so it runs without BEGIN/COMMIT round trips; a deadlock or serialization failure is
    /// retried, which is safe because the operation key makes the statement idempotent.
    private func run<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await pool.withSession(body)
            } catch let error as PostgresError where error.isTransientConflict && attempt < Self.attemptsMax {
                attempt += 1
            } catch let error as LedgerError {
                if case .database(let underlying) = error, underlying.isTransientConflict, attempt < Self.attemptsMax {
                    attempt += 1
                    continue
                }
                throw error
            } catch {
                throw LedgerError.wrap(error)
            }
        }
    }
}
