import Hummingbird
import Ledger
import Money

/// Users and their balances: `PUT /v1/users/{id}`, `POST /v1/users/{id}/credits`
/// (Idempotency-Key), `GET /v1/users/{id}/balance`.
struct UserRoutes: Sendable {
    let ledger: Ledger

    struct CreateBody: Decodable { var creditLimit: String? }
    struct CreditBody: Decodable {
        var amount: String
        var currency: String?
    }

    struct BalanceView: Encodable {
        let userId: String
        let currency: String
        let available: String
        let held: String
        let creditLimit: String
    }

    func register(on router: Router<APIRequestContext>) {
        router.put("/v1/users/:id") { request, context in
            let userID = try context.parameters.require("id")
            let body = try await JSONBody.decode(CreateBody.self, from: request, context: context)
            let limit = try DecimalAmount.micros(from: body.creditLimit ?? "0")
            let created = try await ledger.createUser(userID, creditLimitMicros: limit)
            return try await balance(userID: userID, currency: .usd, status: created ? .created : .ok)
        }
        router.post("/v1/users/:id/credits") { request, context in
            let userID = try context.parameters.require("id")
            let key = try IdempotencyKey.require(request)
            let body = try await JSONBody.decode(CreditBody.self, from: request, context: context)
            let currency = try Self.currency(body.currency)
            let micros = try DecimalAmount.micros(from: body.amount)
            // The key is scoped to the user, so two users' callers cannot collide.
            try await ledger.topUp(key: "credit:\(userID):\(key)", userID: userID, amount: Money(micros: micros, currency: currency))
            return try await balance(userID: userID, currency: currency, status: .created)
        }
        router.get("/v1/users/:id/balance") { request, context in
            let userID = try context.parameters.require("id")
            let currency = try Self.currency(request.uri.queryParameters[Substring("currency")].map(String.init))
            return try await balance(userID: userID, currency: currency, status: .ok)
        }
    }

    private func balance(userID: String, currency: Currency, status: HTTPResponse.Status) async throws -> Response {
        let balance = try await ledger.balance(userID: userID, currency: currency)
        return try JSONResponse.make(
            BalanceView(userId: userID, currency: currency.rawValue, available: balance.available.decimalString,
                        held: balance.held.decimalString, creditLimit: DecimalAmount.string(fromMicros: balance.creditLimitMicros)),
            status: status)
    }

    static func currency(_ code: String?) throws -> Currency {
        guard let code else { return .usd }
        guard let currency = Currency(code: code) else {
            throw APIError.unprocessable("invalid_currency", "currency must be one of USD, XNO, USDC")
        }
        return currency
    }
}

/// The `Idempotency-Key` header that makes a write safe to retry.
enum IdempotencyKey {
    static let lengthMax = 200

    static func require(_ request: Request) throws -> String {
        guard let key = request.headers[.init("Idempotency-Key")!], !key.isEmpty else {
            throw APIError.badRequest("missing_idempotency_key", "an Idempotency-Key header is required for this request")
        }
        guard key.count <= lengthMax, key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw APIError.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1-\(lengthMax) visible ASCII characters")
        }
        return key
    }
}
