import Money
import Postgres

/// A hold (precharge) on a user's available balance, as it stands.
public struct Hold: Sendable, Equatable {
    public enum State: String, Sendable { case open, captured, released }

    public let id: Int64
    public let userID: String
    public let amount: Money
    public let provider: String
    public let state: State
    public let capturedMicros: Int64
    public let releasedMicros: Int64
    /// Actual cost above the hold, charged from available.
    public let excessMicros: Int64
    /// The part of the excess that available plus credit could not cover; flagged for follow-up.
    public let shortfallMicros: Int64

    /// The columns `init(row:)` reads. Prepared statements name them rather than `*`: a prepared
    /// `SELECT *` fails on every call ("cached plan must not change result type") once a
    /// migration adds a column, which a rolling deploy does while older instances still serve.
    static let columns =
        "id, user_id, currency, amount_micros, provider, state, captured_micros, released_micros, excess_micros, shortfall_micros"

    /// Reads a `holds` row (at least `columns`, by name).
    init(row: PostgresRow) throws {
        guard let currency = Currency(code: try row.decode("currency")) else {
            throw LedgerError.unknownCurrency("hold row has an unknown currency")
        }
        guard let state = State(rawValue: try row.decode("state")) else {
            throw LedgerError.database(.decoding(column: "state", reason: "unknown hold state"))
        }
        self.id = try row.decode("id")
        self.userID = try row.decode("user_id")
        self.amount = Money(micros: try row.decode("amount_micros"), currency: currency)
        self.provider = try row.decode("provider")
        self.state = state
        self.capturedMicros = try row.decode("captured_micros")
        self.releasedMicros = try row.decode("released_micros")
        self.excessMicros = try row.decode("excess_micros")
        self.shortfallMicros = try row.decode("shortfall_micros")
        // Pair assertion: the row read back obeys the ledger's rules.
        precondition(state == .open || capturedMicros + releasedMicros == amount.micros, "hold \(id) does not add up")
        precondition(shortfallMicros <= excessMicros, "hold \(id) shortfall exceeds its excess")
    }
}

/// A user's balances in one currency.
public struct Balance: Sendable, Equatable {
    public let available: Money
    public let held: Money
    public let creditLimitMicros: Int64
}
