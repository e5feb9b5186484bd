import HTTPClient
import Money

/// AIGate response parsing: the finished generation, the balance, and its error table (401
/// `http_401`, 404 `not_found`, 410 `http_410`, 429 `insufficient_quota`, 5xx `api_error`).
public enum AIGateResponses {
    /// `{created, model, duration, videos:[{url, mime_type}]}`. The response has no job id; the
    /// task id inside the file URL (`/v1/videos/task_…/content`) is used, else the URL itself.
    /// `duration` is taken as the billed seconds; `usage.cost_usd`, seen on AIGate chat
    /// responses, is read when present. Both are held to `ResponseBounds`; an error about them
    /// names the task, since AIGate has rendered (and charged for) it by then.
    public static func generation(_ response: HTTPResponse) throws(ProviderError) -> ProviderStatus {
        guard HTTPStatusClassifier.isSuccess(response) else { throw error(for: response) }
        let body = try ResponseBody.json(response, expecting: "AIGate video generation")
        let urls = (body["videos"]?.arrayValue ?? []).compactMap { $0["url"]?.stringValue }.filter { !$0.isEmpty }
        guard let first = urls.first else {
            throw .malformedResponse(reason: "AIGate video generation: no videos[].url")
        }
        let jobID = taskID(inContentURL: first) ?? first
        let named = "(task \(ResponseBody.shortened(jobID) ?? jobID))"
        let billedSeconds = try BoundedField.integer(
            body["duration"], field: "AIGate video generation duration \(named)",
            in: 0...ResponseBounds.billedSecondsMax)
        return ProviderStatus(
            providerJobID: jobID,
            state: .completed,
            progressPercent: 100,
            resultURLs: Array(urls.prefix(ResultURLs.urlsMax)),
            billedSeconds: billedSeconds.map { Int($0) },
            reportedCost: try BoundedField.cost(
                body["usage"]?["cost_usd"], .usd, field: "AIGate video generation usage.cost_usd \(named)"),
            paymentSource: .accountBalance(.usd)
        )
    }

    /// The path component before `/content`: `…/v1/videos/task_qZj2…/content` → `task_qZj2…`.
    static func taskID(inContentURL url: String) -> String? {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let parts = path.split(separator: "/")
        guard parts.count >= 2, parts.last == "content" else { return nil }
        return String(parts[parts.count - 2])
    }

    /// `{balance: 12.5, used, total, token:{remaining, used, …}}` in USD. `token.used` is the
    /// counter the docs say to diff around a call.
    public static func balance(_ response: HTTPResponse) throws(ProviderError) -> BalanceSnapshot {
        guard HTTPStatusClassifier.isSuccess(response) else { throw error(for: response) }
        let body = try ResponseBody.json(response, expecting: "AIGate balance")
        guard let balance = try BoundedField.balance(body["balance"], .usd, field: "AIGate balance balance") else {
            throw .malformedResponse(reason: "AIGate balance: no balance")
        }
        // `token.used` is differenced into a call's cost: a counter, never negative.
        let spent = try BoundedField.money(
            body["token"]?["used"], .usd, field: "AIGate balance token.used", micros: ResponseBounds.spentMicrosRange)
        return BalanceSnapshot(available: [balance], spentToDate: spent)
    }

    /// AIGate's 429 `insufficient_quota` means no balance, not "slow down". A
    /// `content_policy_violation` code (OpenAI's name; AIGate documents none) is a content-policy
    /// rejection whose refund AIGate does not state: the balance diff tells.
    static func error(for response: HTTPResponse) -> ProviderError {
        let fields = ErrorFields(ResponseBody.optionalJSON(response))
        if response.status == 429 && fields.names(["insufficient_quota"]) {
            return .paymentRequired(PaymentRequiredDetails(code: fields.code, message: fields.message))
        }
        if fields.names(["content_policy_violation"]) {
            return .contentPolicy(refunded: false, message: fields.message)
        }
        return HTTPStatusClassifier.error(for: response)
    }
}
