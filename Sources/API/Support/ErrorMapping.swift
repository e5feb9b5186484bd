import Foundation
import Hummingbird
import Jobs
import Ledger
import Money
import Postgres
import Pricing

/// Translates the domain's typed errors into API errors with the right status. Anything not
/// recognised becomes a 500 whose message names no internals (the log has the details).
enum ErrorMapping {
    static func apiError(for error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return APIError(.contentTooLarge, code: "body_too_large",
                            message: "request body is larger than \(APIRequestContext.requestBodyBytesMax) bytes")
        case let error as HTTPError where error.status == .notFound:
            return APIError.notFound("no such route")
        case let error as HTTPError:
            return APIError(error.status, code: "http_error", message: error.body ?? error.status.reasonPhrase)
        case let error as LedgerError:
            return ledger(error)
        case let error as JobError:
            return job(error)
        case let error as QuoteInputError:
            return APIError(.unprocessableContent, code: "invalid_\(error.field)", message: error.description)
        case let error as MoneyError:
            return APIError.badRequest("invalid_amount", error.description)
        case let error as DecodingError:
            return decoding(error)
        case let error as PostgresError:
            switch error {
            case .connectionFailed, .connectionLost, .poolExhausted, .poolClosed:
                return APIError(.serviceUnavailable, code: "database_unavailable", message: "the database is unavailable; retry later")
            default:
                return APIError(.internalServerError, code: "internal", message: "internal error")
            }
        default:
            return APIError(.internalServerError, code: "internal", message: "internal error")
        }
    }

    static func ledger(_ error: LedgerError) -> APIError {
        switch error {
        case .insufficientFunds(let message): return APIError(.init(code: 402, reasonPhrase: "Payment Required"), code: "insufficient_funds", message: message)
        case .idempotencyConflict(let message): return APIError(.conflict, code: "idempotency_conflict", message: message)
        case .holdAlreadyResolved(let message): return APIError(.conflict, code: "hold_resolved", message: message)
        case .unknownUser(let message): return APIError.notFound(message)
        case .unknownHold(let message): return APIError.notFound(message)
        case .invalidAmount(let message): return APIError.unprocessable("invalid_amount", message)
        case .unknownCurrency(let message): return APIError.unprocessable("invalid_currency", message)
        case .userConflict(let message): return APIError(.conflict, code: "user_conflict", message: message)
        case .database(let underlying): return apiError(for: underlying)
        }
    }

    static func job(_ error: JobError) -> APIError {
        switch error {
        case .unknownUser, .jobNotFound: return APIError(.notFound, code: error.code, message: error.description)
        case .invalidSpec(let spec): return APIError(.unprocessableContent, code: "invalid_\(spec.field)", message: spec.description)
        case .providerDisabled: return APIError(.serviceUnavailable, code: error.code, message: error.description)
        case .invalidField, .notOffered, .recordUnsupported:
            return APIError(.unprocessableContent, code: error.code, message: error.description)
        case .insufficientFunds: return APIError(.init(code: 402, reasonPhrase: "Payment Required"), code: error.code, message: error.description)
        case .idempotencyConflict, .providerJobAlreadyRecorded, .notCancellable, .notResolvable:
            return APIError(.conflict, code: error.code, message: error.description)
        case .providerRejected: return APIError(.badGateway, code: error.code, message: error.description)
        case .database: return APIError(.serviceUnavailable, code: "database_unavailable", message: "the database is unavailable; retry later")
        }
    }

    static func decoding(_ error: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context) -> String {
            let field = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return field.isEmpty ? "body" : field
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return APIError.badRequest("malformed_json", "the request body is not valid JSON")
        case .dataCorrupted(let context):
            return APIError.badRequest("invalid_field", "\(path(context)): \(context.debugDescription)")
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return APIError.badRequest("missing_field", "\(parent == "body" ? key.stringValue : parent + "." + key.stringValue) is required")
        case .typeMismatch(let type, let context):
            return APIError.badRequest("invalid_field", "\(path(context)) must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return APIError.badRequest("invalid_field", "\(path(context)) must be \(describe(type)), not null")
        @unknown default:
            return APIError.badRequest("malformed_json", "the request body could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type: return "an integer"
        default: return "of type \(type)"
        }
    }
}

/// Turns every error thrown below it into the API's error shape.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = ErrorMapping.apiError(for: error)
            if apiError.status == .internalServerError {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
            throw apiError
        }
    }
}
