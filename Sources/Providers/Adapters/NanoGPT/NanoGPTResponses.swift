import HTTPClient
import Money

/// NanoGPT response parsing.
///
/// Status comes in two documented shapes and both are read: nested
/// `{requestId, data:{status:"COMPLETED", output:{video:{url}}, cost}}` and flat
/// `{requestId, status:"completed", videoUrl, progress, estimatedTimeRemaining}`. Statuses are
/// matched case-insensitively; `unknown` is not guessed at. Relative content URLs
/// (`/api/generate-video/content?…`) are resolved against the configured origin.
///
/// Currencies, an inference the docs don't settle: `cost` (precharge and final) is read as USD,
/// NanoGPT's price unit; `remainingBalance` is in the unit of `paymentSource` (USD or XNO).
public enum NanoGPTResponses {
    public static func submission(_ response: HTTPResponse) throws(ProviderError) -> ProviderSubmission {
        guard HTTPStatusClassifier.isSuccess(response) else { throw error(for: response) }
        let body = try ResponseBody.json(response, expecting: "NanoGPT generate-video")
        guard let id = body["runId"]?.stringValue ?? body["id"]?.stringValue, !id.isEmpty else {
            throw .malformedResponse(reason: "NanoGPT generate-video: no runId")
        }
        let source = body["paymentSource"]?.stringValue.map(paymentSource)
        return ProviderSubmission(
            providerJobID: id,
            precharge: body["cost"]?.money(.usd),
            paymentSource: source,
            remainingBalance: body["remainingBalance"]?.money(balanceCurrency(source))
        )
    }

    public static func status(_ response: HTTPResponse, providerJobID: String, endpoint: ProviderEndpoint) throws(ProviderError) -> ProviderStatus {
        guard HTTPStatusClassifier.isSuccess(response) else { throw error(for: response) }
        let body = try ResponseBody.json(response, expecting: "NanoGPT video status")
        let payload: JSONValue = if case .object = body["data"] { body["data"] ?? body } else { body }
        guard let word = payload["status"]?.stringValue else { throw .malformedResponse(reason: "NanoGPT video status: no status") }
        guard let state = JobStateVocabulary.state(word) else {
            throw .malformedResponse(reason: "NanoGPT video status: status '\(ResponseBody.shortened(word) ?? "")'")
        }
        let source = payload["paymentSource"]?.stringValue.map(paymentSource)
        let remaining = payload["remainingBalance"]?.money(balanceCurrency(source))
        var urls = ResultURLs.find(in: payload).map(endpoint.resolve)
        if payload != body {
            urls += ResultURLs.find(in: body).map(endpoint.resolve).filter { !urls.contains($0) }
        }
        return ProviderStatus(
            providerJobID: providerJobID,
            state: state,
            progressPercent: payload["progress"]?.int64Value.map { Int(clamping: $0) },
            etaMilliseconds: payload["estimatedTimeRemaining"]?.int64Value.map { $0 * 1000 },
            resultURLs: state == .completed ? urls : [],
            reportedCost: state == .completed ? payload["cost"]?.money(.usd) : nil,
            balance: remaining.map { BalanceSnapshot(available: [$0]) },
            paymentSource: source,
            refunded: state == .failed,
            failureReason: failureReason(payload)
        )
    }

    /// `{usd_balance: "129.46956147", nano_balance: "26.71801147"}`: strings, USD and XNO.
    public static func balance(_ response: HTTPResponse) throws(ProviderError) -> BalanceSnapshot {
        guard HTTPStatusClassifier.isSuccess(response) else { throw error(for: response) }
        let body = try ResponseBody.json(response, expecting: "NanoGPT check-balance")
        let amounts = [body["usd_balance"]?.money(.usd), body["nano_balance"]?.money(.xno)].compactMap { $0 }
        guard !amounts.isEmpty else { throw .malformedResponse(reason: "NanoGPT check-balance: no usd_balance or nano_balance") }
        return BalanceSnapshot(available: amounts)
    }

    static func paymentSource(_ code: String) -> PaymentSource {
        Currency(code: code).map(PaymentSource.accountBalance) ?? .other(code)
    }

    static func balanceCurrency(_ source: PaymentSource?) -> Currency {
        if case .accountBalance(let currency) = source { return currency }
        return .usd
    }

    private static func failureReason(_ payload: JSONValue) -> String? {
        let error = payload["error"]
        let text = payload["userFriendlyError"]?.stringValue ?? error?["message"]?.stringValue ?? error?.stringValue
        let nsfw = payload["isNSFWError"]?.boolValue == true ? "content policy (NSFW)" : nil
        return ResponseBody.shortened([nsfw, text].compactMap { $0 }.joined(separator: ": ").nilIfEmpty)
    }

    /// NanoGPT's error `type` decides before the HTTP status: `CONTENT_POLICY_VIOLATION` (refunded
    /// automatically, per the docs), `RATE_LIMITED`, `INSUFFICIENT_BALANCE`.
    static func error(for response: HTTPResponse) -> ProviderError {
        let body = ResponseBody.optionalJSON(response)
        let fields = ErrorFields(body)
        if fields.names(["content_policy_violation"]) {
            return .contentPolicy(refunded: true, message: fields.message)
        }
        if fields.names(["rate_limited"]) { return .rateLimited(retryAfterSeconds: response.retryAfterSeconds) }
        if fields.names(["insufficient_balance", "insufficient_quota"]) && response.status != 402 {
            return .paymentRequired(PaymentRequiredParser.details(from: response))
        }
        return HTTPStatusClassifier.error(for: response)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
