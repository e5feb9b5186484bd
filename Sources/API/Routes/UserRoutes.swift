import Hummingbird
import Ledger
import Money

/// Users and their balances: `PUT /v1/users/{id}`, `POST /v1/users/{id}/credits`
/// (Idempotency-Key), `GET /v1/users/{id}/balance`.
struct UserRoutes: Sendable {
    let ledger: Ledger
    let idempotent: IdempotentRequests

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
            let userID = try InputRules.userID(context)
            let body = try await JSONBody.decode(CreateBody.self, from: request, context: context)
            let limit = try InputRules.amount(body.creditLimit ?? "0", field: "credit_limit", positive: false)
            let created = try await ledger.createUser(
                userID, creditLimitMicros: limit, actor: context.principal?.tokenName)
            return try await balance(userID: userID, currency: .usd, status: created ? .created : .ok)
        }
        router.post("/v1/users/:id/credits") { request, context in
            let userID = try InputRules.userID(context)
            let key = try IdempotencyKey.require(request)
            let body = try await JSONBody.decode(CreditBody.self, from: request, context: context)
            let currency = try Self.currency(body.currency)
            let micros = try InputRules.amount(body.amount, field: "amount", positive: true)
            let actor = context.principal?.tokenName
            return try await idempotent.run(
                .credits, scope: userID, key: key, canonicalRequest: "v1|\(currency.rawValue)|\(micros)", actor: actor
            ) {
                try await ledger.topUp(
                    key: LedgerKeys.topUp(userID: userID, key: key), userID: userID,
                    amount: Money(micros: micros, currency: currency),
                    actor: actor)
                return (.created, try JSONResponse.body(try await view(userID: userID, currency: currency)))
            }
        }
        router.get("/v1/users/:id/balance") { request, context in
            let userID = try InputRules.userID(context)
            let currency = try Self.currency(try QueryReader(request).string("currency"))
            return try await balance(userID: userID, currency: currency, status: .ok)
        }
    }

    private func view(userID: String, currency: Currency) async throws -> BalanceView {
        let balance = try await ledger.balance(userID: userID, currency: currency)
        return BalanceView(
            userId: userID, currency: currency.rawValue, available: balance.available.decimalString,
            held: balance.held.decimalString, creditLimit: DecimalAmount.string(fromMicros: balance.creditLimitMicros))
    }

    private func balance(userID: String, currency: Currency, status: HTTPResponse.Status) async throws -> Response {
        try JSONResponse.make(try await view(userID: userID, currency: currency), status: status)
    }

    static func currency(_ code: String?) throws -> Currency {
        guard let code else { return .usd }
        guard Currency.allCases.map(\.rawValue).contains(code), let currency = Currency(code: code) else {
            throw APIError.badRequest("invalid_currency", "currency must be one of USD, XNO, USDC")
        }
        return currency
    }
}
