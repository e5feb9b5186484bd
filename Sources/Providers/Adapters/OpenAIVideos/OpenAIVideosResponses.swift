import HTTPClient
import Money

/// Parses the OpenAI `Video` object. Timestamps may be seconds or milliseconds (new-api sends
/// `created_at: 1764347090922`); `seconds` is the duration the gateway made and bills; the plain
/// OpenAI shape has no cost, but gateways add `cost`, `usage.cost` or `outputs.cost` (USD).
/// Figures are held to `ResponseBounds`.
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
        guard let word = body["status"]?.stringValue else {
            throw .malformedResponse(reason: "/v1/videos retrieve: no status")
        }
        guard let state = JobStateVocabulary.state(word) else {
            throw .malformedResponse(
                reason: "/v1/videos retrieve: unknown status '\(ResponseBody.shortened(word) ?? "")'")
        }
        var urls = ResultURLs.find(in: body)
        if state == .completed && urls.isEmpty { urls = [contentURL] }
        var cost: Money?
        for (field, value) in [
            ("cost", body["cost"]), ("usage.cost", body["usage"]?["cost"]), ("outputs.cost", body["outputs"]?["cost"]),
        ]
        where cost == nil {
            cost = try BoundedField.cost(value, .usd, field: "/v1/videos retrieve \(field)")
        }
        let progress = try BoundedField.integer(
            body["progress"], field: "/v1/videos retrieve progress", in: ResponseBounds.progressPercentRange)
        let billedSeconds: Int64? =
            state == .completed
            ? try BoundedField.integer(
                body["seconds"], field: "/v1/videos retrieve seconds", in: 0...ResponseBounds.billedSecondsMax) : nil
        return ProviderStatus(
            providerJobID: body["id"]?.stringValue ?? providerJobID,
            state: state,
            progressPercent: progress.map { Int($0) },
            resultURLs: state == .completed ? urls : [],
            billedSeconds: billedSeconds.map { Int($0) },
            reportedCost: cost,
            paymentSource: .accountBalance(.usd),
            failureReason: ResponseBody.shortened(body["error"]?["message"]?.stringValue ?? body["error"]?.stringValue),
            expiresAtUnixMilliseconds: body["expires_at"]?.int64Value.flatMap(
                UnixTimestamp.milliseconds(fromSecondsOrMilliseconds:))
        )
    }
}
