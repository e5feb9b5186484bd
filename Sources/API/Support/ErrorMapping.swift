import Foundation
import Hummingbird
import Jobs
import Ledger
import Money
import Postgres
import Pricing
import Synchronization

/// Translates the domain's typed errors into API errors with the right status, so a client can
/// program against them:
///
/// - 400: the request is malformed (a bad id, field, parameter or JSON);
/// - 404: code `not_found` for every missing thing (route, user, job, hold, token, run);
/// - 409: a conflict with existing data (an idempotency key reused, a state, a unique value);
/// - 422: well-formed but not acceptable (a spec no provider runs, a constraint the data breaks);
/// - 503: the database is unavailable, and nothing else;
/// - 500: anything not recognised, with a message that names no internals; the log has the
///   cause (`ErrorMiddleware`).
enum ErrorMapping {
    static func apiError(for error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return APIError(
                .contentTooLarge, code: "body_too_large",
                message: "request body is larger than \(APIRequestContext.requestBodyBytesMax) bytes")
        case let error as HTTPError where error.status == .notFound:
            return APIError.notFound("no such route")
        case let error as HTTPError where error.status == .methodNotAllowed:
            return APIError(
                .methodNotAllowed, code: "method_not_allowed", message: "this route does not answer that method")
        case let error as HTTPError where (400..<500).contains(error.status.code):
            return APIError(error.status, code: "bad_request", message: error.status.reasonPhrase)
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
        case let error as TokenStore.TokenError:
            switch error {
            case .invalidName: return APIError.badRequest("invalid_name", error.description)
            case .nameTaken: return APIError(.conflict, code: "token_name_taken", message: error.description)
            case .unknownName: return APIError.notFound(error.description)
            }
        case let error as PostgresError:
            return postgres(error)
        default:
            return internalError
        }
    }

    static let internalError = APIError(.internalServerError, code: "internal", message: "internal error")
    static let databaseUnavailable = APIError(
        .serviceUnavailable, code: "database_unavailable",
        message: "the database is unavailable; retry later")

    /// A database error: unreachable is 503; the request breaking a constraint or giving a value
    /// the database cannot take is a 4xx (the server's own message is not echoed: it can quote
    /// stored values); anything else is a 500.
    static func postgres(_ error: PostgresError) -> APIError {
        switch error {
        case .connectionFailed, .connectionLost, .poolExhausted, .poolClosed:
            return databaseUnavailable
        case .server(let server):
            let state = server.sqlState
            switch state {
            case "23505", "23P01":
                return APIError(.conflict, code: "conflict", message: "the request conflicts with existing data")
            case _ where state.hasPrefix("23"):
                return APIError.unprocessable(
                    "constraint_violation", "the request breaks a rule the stored data must keep")
            case _ where state.hasPrefix("22"):
                // The request got past the document's checks, so this is a value the database
                // cannot store (a NUL character, a number past its range): a 422, not a 400.
                return APIError.unprocessable(
                    "invalid_value", "a value in the request cannot be stored (out of range, or a NUL character)")
            case _ where state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P"):
                return databaseUnavailable
            default:
                return internalError
            }
        case .decoding, .cancelled:
            return internalError
        }
    }

    static func ledger(_ error: LedgerError) -> APIError {
        switch error {
        case .insufficientFunds(let message):
            return APIError(
                .init(code: 402, reasonPhrase: "Payment Required"), code: "insufficient_funds", message: message)
        case .idempotencyConflict(let message):
            return APIError(.conflict, code: "idempotency_conflict", message: message)
        case .holdAlreadyResolved(let message): return APIError(.conflict, code: "hold_resolved", message: message)
        case .unknownUser(let message): return APIError.notFound(message)
        case .unknownHold(let message): return APIError.notFound(message)
        case .invalidAmount(let message): return APIError.unprocessable("invalid_amount", message)
        case .unknownCurrency(let message): return APIError.unprocessable("invalid_currency", message)
        case .userConflict(let message): return APIError(.conflict, code: "user_conflict", message: message)
        case .archiveRefused(let message): return APIError(.conflict, code: "archive_refused", message: message)
        case .database(let underlying): return postgres(underlying)
        }
    }

    static func job(_ error: JobError) -> APIError {
        switch error {
        case .unknownUser, .jobNotFound: return APIError.notFound(error.description)
        case .invalidSpec(let spec):
            return APIError(.unprocessableContent, code: "invalid_\(spec.field)", message: spec.description)
        case .providerDisabled: return APIError(.serviceUnavailable, code: error.code, message: error.description)
        case .invalidField(let field, _, _):
            return APIError(.unprocessableContent, code: "invalid_\(field)", message: error.description)
        case .notOffered, .recordUnsupported:
            return APIError(.unprocessableContent, code: error.code, message: error.description)
        case .insufficientFunds:
            return APIError(
                .init(code: 402, reasonPhrase: "Payment Required"), code: error.code, message: error.description)
        case .idempotencyConflict, .providerJobAlreadyRecorded, .notCancellable, .notResolvable:
            return APIError(.conflict, code: error.code, message: error.description)
        case .providerRejected: return APIError(.badGateway, code: error.code, message: error.description)
        case .database: return internalError
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
            return APIError.badRequest(
                "missing_field", "\(parent == "body" ? key.stringValue : parent + "." + key.stringValue) is required")
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

/// Turns every error thrown below it into the API's error shape. A path the API serves asked
/// with another method is a 405 with `Allow` (an `OPTIONS` there a 204 with `Allow`), not a 404.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = routes.methods(forPath: request.uri.path), !allowed.contains(request.method.rawValue)
            else {
                throw ErrorMapping.apiError(for: error)
            }
            let allow = allowed.sorted().joined(separator: ", ")
            if request.method == .options { return Response(status: .noContent, headers: [.allow: allow]) }
            var refusal = APIError(.methodNotAllowed, code: "method_not_allowed", message: "this path answers \(allow)")
            refusal.headers[.allow] = allow
            throw refusal
        } catch {
            let apiError = ErrorMapping.apiError(for: error)
            if apiError.status == .internalServerError {
                // The cause, not only its type: a 500 is a bug to find. Errors here carry no
                // secrets (provider credentials never reach an error's description).
                context.logger.error(
                    "request failed",
                    metadata: [
                        "error_type": "\(String(reflecting: type(of: error)))",
                        "error": "\(String(describing: error).prefix(2_000))",
                        "method": "\(request.method)", "path": "\(request.uri.path.prefix(200))",
                    ])
            } else if apiError.status == .serviceUnavailable {
                context.logger.warning(
                    "database unavailable", metadata: ["error": "\(String(describing: error).prefix(500))"])
            }
            throw apiError
        }
    }
}

/// The methods each route path answers, from the router's own table (filled once the routes are
/// registered), for 405 answers.
final class RouteMethods: Sendable {
    private let table = Mutex<[(segments: [Substring], methods: Set<String>)]>([])

    func load(_ routes: [(method: String, path: String)]) {
        var byPath: [String: Set<String>] = [:]
        for route in routes { byPath[route.path, default: []].insert(route.method) }
        let entries = byPath.map {
            (segments: $0.key.split(separator: "/", omittingEmptySubsequences: false), methods: $0.value)
        }
        table.withLock { $0 = entries }
    }

    /// The methods of the route whose template the path fits (`{id}` fits any one non-empty
    /// segment), or nil when no route fits.
    func methods(forPath path: String) -> Set<String>? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return table.withLock { entries in
            var found: Set<String>?
            for entry in entries where entry.segments.count == parts.count {
                let fits = zip(entry.segments, parts).allSatisfy { template, part in
                    (template.hasPrefix("{") || template.hasPrefix(":")) ? !part.isEmpty : template == part
                }
                if fits { found = (found ?? []).union(entry.methods) }
            }
            return found
        }
    }
}
