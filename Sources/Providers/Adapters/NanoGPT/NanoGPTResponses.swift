import Basics
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
/// Currencies: every amount is in the currency of the balance that paid, `paymentSource`. A job
/// paid from the XNO balance is charged in XNO, so its `cost` (precharge and final) and
/// `remainingBalance` are XNO amounts; with `USD`, or no `paymentSource` at all, they are USD.
/// The status answer usually omits `paymentSource`, so `status` takes the one the submit
/// reported. A source naming no currency VideoLedger knows leaves the amounts out rather than
/// guess their unit.
///
/// Figures are held to `ResponseBounds`: a negative or absurd cost, ETA or progress is a
/// malformed response. A submit's bad precharge names the `runId` in the error, since NanoGPT
/// has already taken the job.
public enum NanoGPTResponses {
    public static func submission(_ response: HTTPResponse) throws(ProviderError) -> ProviderSubmission {
        guard HTTPStatusClassifier.isSuccess(response) else { throw error(for: response) }
        let body = try ResponseBody.json(response, expecting: "NanoGPT generate-video")
        guard let id = body["runId"]?.stringValue ?? body["id"]?.stringValue, !id.isEmpty else {
            throw .malformedResponse(reason: "NanoGPT generate-video: no runId")
        }
        let source = body["paymentSource"]?.stringValue.map(paymentSource)
        let currency = amountCurrency(source)
        let precharge: Money? =
            if let currency {
                try BoundedField.cost(
                    body["cost"], currency,
                    field: "NanoGPT generate-video cost (runId \(ResponseBody.shortened(id) ?? id))")
            } else { nil }
        return ProviderSubmission(
            providerJobID: id,
            precharge: precharge,
            paymentSource: source,
            remainingBalance: currency.flatMap {
                try? BoundedField.balance(body["remainingBalance"], $0, field: "remainingBalance")
            }
        )
    }

    /// `paymentSource` is what the submit reported; the status body's own, when it has one, wins.
    public static func status(
        _ response: HTTPResponse, providerJobID: String, endpoint: ProviderEndpoint,
        paymentSource submitted: PaymentSource? = nil
    ) throws(ProviderError) -> ProviderStatus {
        guard HTTPStatusClassifier.isSuccess(response) else { throw error(for: response) }
        let body = try ResponseBody.json(response, expecting: "NanoGPT video status")
        let payload: JSONValue = if case .object = body["data"] { body["data"] ?? body } else { body }
        guard let word = payload["status"]?.stringValue else {
            throw .malformedResponse(reason: "NanoGPT video status: no status")
        }
        guard let state = JobStateVocabulary.state(word) else {
            throw .malformedResponse(reason: "NanoGPT video status: status '\(ResponseBody.shortened(word) ?? "")'")
        }
        let source = payload["paymentSource"]?.stringValue.map(paymentSource) ?? submitted
        let currency = amountCurrency(source)
        let remaining = currency.flatMap {
            try? BoundedField.balance(payload["remainingBalance"], $0, field: "remainingBalance")
        }
        var urls = ResultURLs.find(in: payload).map(endpoint.resolve)
        if payload != body {
            urls += ResultURLs.find(in: body).map(endpoint.resolve).filter { !urls.contains($0) }
        }
        let cost: Money? =
            if state == .completed, let currency {
                try BoundedField.cost(payload["cost"], currency, field: "NanoGPT video status cost")
            } else { nil }
        return ProviderStatus(
            providerJobID: providerJobID,
            state: state,
            progressPercent: try BoundedField.integer(
                payload["progress"], field: "NanoGPT video status progress", in: ResponseBounds.progressPercentRange
            ).map { Int($0) },
            etaMilliseconds: try BoundedField.milliseconds(
                fromSeconds: payload["estimatedTimeRemaining"], field: "NanoGPT video status estimatedTimeRemaining",
                in: 0...ResponseBounds.etaMillisecondsMax),
            resultURLs: state == .completed ? urls : [],
            reportedCost: cost,
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
        let amounts = [
            try BoundedField.balance(body["usd_balance"], .usd, field: "NanoGPT check-balance usd_balance"),
            try BoundedField.balance(body["nano_balance"], .xno, field: "NanoGPT check-balance nano_balance"),
        ].compactMap { $0 }
        guard !amounts.isEmpty else {
            throw .malformedResponse(reason: "NanoGPT check-balance: no usd_balance or nano_balance")
        }
        return BalanceSnapshot(available: amounts)
    }

    static func paymentSource(_ code: String) -> PaymentSource {
        Currency(code: code).map(PaymentSource.accountBalance) ?? .other(code)
    }

    /// The currency NanoGPT's amounts are in: the paying balance's, USD when none is named, nil
    /// for a source whose currency is unknown (its amounts are then not returned).
    static func amountCurrency(_ source: PaymentSource?) -> Currency? {
        switch source {
        case nil: return .usd
        case .accountBalance(let currency), .walletBalance(let currency): return currency
        case .other: return nil
        }
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
