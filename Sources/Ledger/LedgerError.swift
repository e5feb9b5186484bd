import Postgres

/// Why a ledger operation was refused. Nothing was written when one of these is thrown: every
/// operation is a single transaction.
public enum LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    case insufficientFunds(String)
    /// The idempotency key was first used with a different request.
    case idempotencyConflict(String)
    /// The hold was already captured or released.
    case holdAlreadyResolved(String)
    case unknownUser(String)
    case unknownHold(String)
    case invalidAmount(String)
    case unknownCurrency(String)
    /// The user already exists with different settings.
    case userConflict(String)
    /// A month of the journal cannot be archived or restored (yet): see `TransferMonths`.
    case archiveRefused(String)
    case database(PostgresError)

    public var description: String {
        switch self {
        case .insufficientFunds(let message), .idempotencyConflict(let message), .holdAlreadyResolved(let message),
            .unknownUser(let message), .unknownHold(let message), .invalidAmount(let message),
            .unknownCurrency(let message), .userConflict(let message), .archiveRefused(let message):
            return message
        case .database(let error):
            return error.description
        }
    }

    /// Maps the ledger functions' `VL…` SQLSTATEs (see migrations/0001_ledger.sql) to cases.
    public init(_ error: PostgresError) {
        guard case .server(let server) = error else {
            self = .database(error)
            return
        }
        switch server.sqlState {
        case "VL001": self = .insufficientFunds(server.message)
        case "VL002": self = .idempotencyConflict(server.message)
        case "VL003": self = .holdAlreadyResolved(server.message)
        case "VL004": self = .unknownUser(server.message)
        case "VL005": self = .unknownHold(server.message)
        case "VL006": self = .invalidAmount(server.message)
        case "VL007": self = .unknownCurrency(server.message)
        case "VL008": self = .archiveRefused(server.message)
        case "22003": self = .invalidAmount("amount out of range for micro-units")
        case "23503" where server.constraint?.contains("user_id") == true: self = .unknownUser(server.message)
        default: self = .database(error)
        }
    }

    /// Converts any error thrown by a ledger statement.
    static func wrap(_ error: any Error) -> any Error {
        if let error = error as? PostgresError { return LedgerError(error) }
        return error
    }
}

/// A deadlock or serialization failure inside a ledger function stays retryable as a whole
/// transaction (`PostgresSession.transaction` looks through the wrapping).
extension LedgerError: PostgresErrorWrapping {
    public var underlyingPostgresError: PostgresError? {
        if case .database(let error) = self { return error }
        return nil
    }
}
