/// Why a PostgreSQL call failed. Server errors keep their SQLSTATE so callers can map
/// constraint and business-rule violations (raised by the ledger's SQL functions) to typed errors.
public enum PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection could be made (server down, wrong address, authentication refused).
    case connectionFailed(String)
    /// The connection broke during a call; the outcome of a write in flight is unknown unless it
    /// ran inside a transaction, which the server then rolled back.
    case connectionLost(String)
    /// The server rejected the statement.
    case server(ServerError)
    /// A column could not be read as the requested Swift type.
    case decoding(column: String, reason: String)
    /// No connection became free within the pool's acquire timeout, or its wait queue is full.
    case poolExhausted(String)
    /// The pool is shut down.
    case poolClosed
    /// The caller's task was cancelled before the statement ran.
    case cancelled

    public var description: String {
        switch self {
        case .connectionFailed(let message): return "cannot connect to PostgreSQL: \(message)"
        case .connectionLost(let message): return "PostgreSQL connection lost: \(message)"
        case .server(let error): return error.description
        case .decoding(let column, let reason): return "cannot decode column '\(column)': \(reason)"
        case .poolExhausted(let message): return "no database connection available: \(message)"
        case .poolClosed: return "the database pool is closed"
        case .cancelled: return "the database call was cancelled"
        }
    }

    /// The SQLSTATE of a server error, if this is one.
    public var sqlState: String? {
        if case .server(let error) = self { return error.sqlState }
        return nil
    }

    /// Serialization failures, deadlocks, and a lock not granted within the session's
    /// `lock_timeout` (55P03; only the ledger's month changes set one, to give way to writes):
    /// the transaction can be retried as a whole.
    public var isTransientConflict: Bool {
        sqlState == "40001" || sqlState == "40P01" || sqlState == "55P03"
    }

    /// Whether `error` is, or wraps (`PostgresErrorWrapping`), a transient conflict
    /// (`isTransientConflict`): what `PostgresSession.transaction` retries.
    public static func isTransientConflict(_ error: any Error) -> Bool {
        if let error = error as? PostgresError { return error.isTransientConflict }
        if let wrapping = error as? any PostgresErrorWrapping {
            return wrapping.underlyingPostgresError?.isTransientConflict ?? false
        }
        return false
    }
}

/// An error of another module that carries the database failure it came from (the ledger's
/// `LedgerError.database`), so a transaction's retry of a deadlock or serialization failure sees
/// it through the wrapping: a deadlock inside a ledger function is as retryable as one outside.
public protocol PostgresErrorWrapping: Error {
    var underlyingPostgresError: PostgresError? { get }
}

/// The fields of a PostgreSQL error report that callers act on.
public struct ServerError: Sendable, Equatable, CustomStringConvertible {
    public var sqlState: String
    public var message: String
    public var detail: String?
    public var constraint: String?

    public init(sqlState: String, message: String, detail: String? = nil, constraint: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraint = constraint
    }

    public var description: String {
        var text = "PostgreSQL error \(sqlState): \(message)"
        if let detail { text += " (\(detail))" }
        return text
    }
}
