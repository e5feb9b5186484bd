import HTTPClient
import Money

/// Parses the OpenAI `Video` object. Timestamps may be seconds or milliseconds (new-api sends
/// `created_at: 1764347090922`); `seconds` is the duration the gateway made and bills; the plain
/// OpenAI shape has no cost, but gateways add `cost`, `usage.cost` or `outputs.cost` (USD).
public enum OpenAIVideosResponses {
    public static func submission(_ response: HTTPResponse) throws(ProviderError) -> ProviderSubmission {
        guard HTTPStatusClassifier.isSuccess(response) else { throw HTTPStatusClassifier.error(for: response) }
        let body = try ResponseBody.json(response, expecting: "/v1/videos create")
        guard let id = body["id"]?.stringValue ?? body["task_id"]?.stringValue, !id.isEmpty else {
            throw .malformedResponse(reason: "/v1/videos create: no id")
        }
        return ProviderSubmission(providerJobID: id, paymentSource: .accountBalance(.usd))
    }

    public static func status(
        _ response: HTTPResponse, providerJobID: String, contentURL: String
    ) throws(ProviderError) -> ProviderStatus {
        guard HTTPStatusClassifier.isSuccess(response) else { throw HTTPStatusClassifier.error(for: response) }
        let body = try ResponseBody.json(response, expecting: "/v1/videos retrieve")
        guard let word = body["status"]?.stringValue else { throw .malformedResponse(reason: "/v1/videos retrieve: no status") }
        guard let state = JobStateVocabulary.state(word) else {
            throw .malformedResponse(reason: "/v1/videos retrieve: unknown status '\(ResponseBody.shortened(word) ?? "")'")
        }
        var urls = ResultURLs.find(in: body)
        if state == .completed && urls.isEmpty { urls = [contentURL] }
        let cost = body["cost"]?.money(.usd) ?? body["usage"]?["cost"]?.money(.usd) ?? body["outputs"]?["cost"]?.money(.usd)
        return ProviderStatus(
            providerJobID: body["id"]?.stringValue ?? providerJobID,
            state: state,
            progressPercent: body["progress"]?.int64Value.map { Int(clamping: $0) },
            resultURLs: state == .completed ? urls : [],
            billedSeconds: state == .completed ? body["seconds"]?.int64Value.map { Int(clamping: $0) } : nil,
            reportedCost: cost,
            paymentSource: .accountBalance(.usd),
            failureReason: ResponseBody.shortened(body["error"]?["message"]?.stringValue ?? body["error"]?.stringValue),
            expiresAtUnixMilliseconds: body["expires_at"]?.int64Value.flatMap(UnixTimestamp.milliseconds(fromSecondsOrMilliseconds:))
        )
    }
}
