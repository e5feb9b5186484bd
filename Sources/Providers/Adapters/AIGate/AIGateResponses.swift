import HTTPClient
import Money

/// AIGate response parsing: the finished generation, the balance, and its error table (401
/// `http_401`, 404 `not_found`, 410 `http_410`, 429 `insufficient_quota`, 5xx `api_error`).
public enum AIGateResponses {
    /// `{created, model, duration, videos:[{url, mime_type}]}`. The response has no job id; the
    /// task id inside the file URL (`/v1/videos/task_…/content`) is used, else the URL itself.
    /// `duration` is taken as the billed seconds; `usage.cost_usd`, seen on AIGate chat
    /// responses, is read when present.
    public static func generation(_ response: HTTPResponse) throws(ProviderError) -> ProviderStatus {
        guard HTTPStatusClassifier.isSuccess(response) else { throw error(for: response) }
        let body = try ResponseBody.json(response, expecting: "AIGate video generation")
        let urls = (body["videos"]?.arrayValue ?? []).compactMap { $0["url"]?.stringValue }.filter { !$0.isEmpty }
        guard let first = urls.first else {
            throw .malformedResponse(reason: "AIGate video generation: no videos[].url")
        }
        return ProviderStatus(
            providerJobID: taskID(inContentURL: first) ?? first,
            state: .completed,
            progressPercent: 100,
            resultURLs: Array(urls.prefix(ResultURLs.urlsMax)),
            billedSeconds: body["duration"]?.int64Value.map { Int(clamping: $0) },
            reportedCost: body["usage"]?["cost_usd"]?.money(.usd),
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
        guard let balance = body["balance"]?.money(.usd) else { throw .malformedResponse(reason: "AIGate balance: no balance") }
        return BalanceSnapshot(available: [balance], spentToDate: body["token"]?["used"]?.money(.usd))
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
