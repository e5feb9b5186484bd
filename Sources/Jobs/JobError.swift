import Foundation
import Ledger
import Postgres
import Pricing

/// Why a job request was refused. Every case is thrown before anything was written, except
/// `providerRejected` (the job row exists, failed, its hold released) and `database`. Messages
/// name the field at fault and what it accepts; none carries a credential.
public enum JobError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownUser(String)
    /// The spec cannot be priced as sent (Pricing's error: field, problem, accepted values).
    case invalidSpec(QuoteInputError)
    /// A field outside the quote spec is unusable (prompt, image_url, idempotency key, ...).
    case invalidField(field: String, problem: String, accepted: String)
    /// The provider exists but is disabled in this service: no credentials are configured for it
    /// (with a real database, a provider without credentials is never pointed at a simulator).
    /// Temporary from the caller's view: it answers 503.
    case providerDisabled(String)
    /// No configured provider can run the spec; one reason per provider model considered.
    case notOffered(String)
    /// The provider has no way to poll a job submitted elsewhere (AIGate).
    case recordUnsupported(provider: String, reason: String)
    case insufficientFunds(String)
    /// The idempotency key was used before with another request body.
    case idempotencyConflict(String)
    /// Another request already recorded this provider job.
    case providerJobAlreadyRecorded(provider: String, providerJobID: String, jobID: UUID)
    case jobNotFound(UUID)
    case notCancellable(jobID: UUID, status: JobStatus)
    /// The job already ended; there is nothing to resolve.
    case notResolvable(jobID: UUID, status: JobStatus)
    /// The provider refused the job at submit. The job exists (`jobID`), failed, hold released.
    /// `code` is the job's `failureCode` (provider_payment_required, provider_rate_limited, ...).
    case providerRejected(jobID: UUID, code: String, message: String)
    case database(String)

    public var description: String {
        switch self {
        case .unknownUser(let user): return "unknown user '\(user)'"
        case .invalidSpec(let error): return error.description
        case .invalidField(let field, let problem, let accepted): return "\(field): \(problem); accepted: \(accepted)"
        case .providerDisabled(let provider):
            return
                "provider '\(provider)' is disabled in this service (no credentials configured); retry later or choose another"
        case .notOffered(let reasons): return "no configured provider can run this job: \(reasons)"
        case .recordUnsupported(let provider, let reason): return "\(provider) jobs cannot be recorded: \(reason)"
        case .insufficientFunds(let message): return message
        case .idempotencyConflict(let message): return message
        case .providerJobAlreadyRecorded(let provider, let providerJobID, let jobID):
            return "\(provider) job '\(providerJobID)' is already recorded as job \(jobID.uuidString.lowercased())"
        case .jobNotFound(let id): return "job \(id.uuidString.lowercased()) not found"
        case .notCancellable(let id, let status):
            return "job \(id.uuidString.lowercased()) is \(status) and cannot be cancelled"
        case .notResolvable(let id, let status):
            return "job \(id.uuidString.lowercased()) is \(status): it ended, nothing to resolve"
        case .providerRejected(let id, let code, let message):
            return "the provider refused job \(id.uuidString.lowercased()) (\(code)): \(message)"
        case .database(let message): return "database error: \(message)"
        }
    }

    /// A short machine-readable code for REST error bodies.
    public var code: String {
        switch self {
        case .unknownUser: return "unknown_user"
        case .invalidSpec: return "invalid_spec"
        case .invalidField: return "invalid_field"
        case .providerDisabled: return "provider_disabled"
        case .notOffered: return "not_offered"
        case .recordUnsupported: return "record_unsupported"
        case .insufficientFunds: return "insufficient_funds"
        case .idempotencyConflict: return "idempotency_conflict"
        case .providerJobAlreadyRecorded: return "provider_job_already_recorded"
        case .jobNotFound: return "job_not_found"
        case .notCancellable: return "not_cancellable"
        case .notResolvable: return "not_resolvable"
        case .providerRejected(_, let code, _): return code
        case .database: return "database_error"
        }
    }

    /// Maps what the database layer threw; JobErrors pass through. Ledger refusals a job
    /// request can meet become their job cases; any other ledger or database error passes
    /// through unchanged, so the REST layer can tell a constraint violation (4xx) from an
    /// unreachable database (503) from a bug (500).
    static func wrap(_ error: any Error) -> any Error {
        switch error {
        case let error as JobError: return error
        case let error as LedgerError:
            switch error {
            case .insufficientFunds(let message): return JobError.insufficientFunds(message)
            case .unknownUser(let message): return JobError.unknownUser(message)
            case .idempotencyConflict(let message): return JobError.idempotencyConflict(message)
            case .database(let underlying): return underlying
            default: return error
            }
        case let error as PostgresError:
            let ledger = LedgerError(error)
            if case .database = ledger { return error }
            return wrap(ledger)
        default:
            return error
        }
    }
}
