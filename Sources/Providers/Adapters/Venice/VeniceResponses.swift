import HTTPClient
import Money

/// Venice response parsing: queue with its one-time `download_url` and `X-Balance-Remaining`,
/// retrieve as JSON while processing or `video/mp4` bytes when done, quote, balances, and the
/// 402 / 404 / 422 / 503 bodies. Figures are held to `ResponseBounds`; an out-of-bounds
/// `X-Balance-Remaining` is left out rather than cost an answer (the queue's `download_url` is
/// given only once).
public enum VeniceResponses {
    public static func submission(_ response: HTTPResponse, paymentSource: PaymentSource) throws(ProviderError)
        -> ProviderSubmission
    {
        guard HTTPStatusClassifier.isSuccess(response) else { throw error(for: response) }
        let body = try ResponseBody.json(response, expecting: "Venice queue")
        guard let queueID = body["queue_id"]?.stringValue, !queueID.isEmpty else {
            throw .malformedResponse(reason: "Venice queue: no queue_id")
        }
        return ProviderSubmission(
            providerJobID: queueID,
            paymentSource: paymentSource,
            remainingBalance: balanceRemaining(response),
            downloadURL: body["download_url"]?.stringValue
        )
    }

    /// `X-Balance-Remaining: "4.230000"` (USD), sent under x402 auth only; nil when absent,
    /// unreadable or out of bounds.
    static func balanceRemaining(_ response: HTTPResponse) -> Money? {
        response.header("x-balance-remaining").flatMap {
            try? BoundedField.balance(.string($0), .usd, field: "X-Balance-Remaining")
        }
    }

    public static func status(_ response: HTTPResponse, job: ProviderJobHandle) throws(ProviderError) -> ProviderStatus
    {
        guard HTTPStatusClassifier.isSuccess(response) else { throw error(for: response) }
        let remaining = balanceRemaining(response).map { BalanceSnapshot(available: [$0]) }
        if let mediaType = response.mediaType, mediaType.hasPrefix("video/") {
            return ProviderStatus(
                providerJobID: job.providerJobID, state: .completed, inlineResult: .bytes(response.body.count),
                balance: remaining)
        }
        let body = try ResponseBody.json(response, expecting: "Venice retrieve")
        switch body["status"]?.stringValue {
        case "PROCESSING":
            let average = try BoundedField.integer(
                body["average_execution_time"], field: "Venice retrieve average_execution_time",
                in: 0...ResponseBounds.etaMillisecondsMax)
            let elapsed = try BoundedField.integer(
                body["execution_duration"], field: "Venice retrieve execution_duration",
                in: 0...ResponseBounds.elapsedMillisecondsMax)
            var progress: Int?
            var eta: Int64?
            // Both bounded, so neither the difference nor `elapsed * 100` can overflow.
            if let average, let elapsed, average > 0 {
                eta = max(0, average - elapsed)
                progress = Int(min(99, elapsed * 100 / average))
            }
            return ProviderStatus(
                providerJobID: job.providerJobID, state: .running, progressPercent: progress, etaMilliseconds: eta,
                balance: remaining)
        case "COMPLETED":
            return ProviderStatus(
                providerJobID: job.providerJobID, state: .completed, resultURLs: job.downloadURL.map { [$0] } ?? [],
                balance: remaining)
        case let other:
            throw .malformedResponse(reason: "Venice retrieve: status '\(ResponseBody.shortened(other) ?? "missing")'")
        }
    }

    /// The retrieve body outgrew `VeniceRequests.retrieveResponseBytesMax`. A JSON status is
    /// under a kilobyte, so only the finished MP4 gets here: the job is completed.
    public static func status(afterTooLargeBody limitBytes: Int, job: ProviderJobHandle) -> ProviderStatus {
        ProviderStatus(providerJobID: job.providerJobID, state: .completed, inlineResult: .largerThan(limitBytes))
    }

    /// `{"quote": 0.085}`, USD, read from the number's text.
    public static func quote(_ response: HTTPResponse) throws(ProviderError) -> Money {
        guard HTTPStatusClassifier.isSuccess(response) else { throw error(for: response) }
        let body = try ResponseBody.json(response, expecting: "Venice quote")
        guard let quote = try BoundedField.cost(body["quote"], .usd, field: "Venice quote") else {
            throw .malformedResponse(reason: "Venice quote: no quote")
        }
        return quote
    }

    /// API key: `{canConsume, consumptionCurrency, balances:{diem, usd}}`; the USD balance is
    /// kept (DIEM is Venice's own unit and has no price here).
    public static func apiKeyBalance(_ response: HTTPResponse) throws(ProviderError) -> BalanceSnapshot {
        guard HTTPStatusClassifier.isSuccess(response) else { throw error(for: response) }
        let body = try ResponseBody.json(response, expecting: "Venice balance")
        guard let usd = try BoundedField.balance(body["balances"]?["usd"], .usd, field: "Venice balance balances.usd")
        else {
            throw .malformedResponse(reason: "Venice balance: no balances.usd")
        }
        return BalanceSnapshot(available: [usd])
    }

    /// Wallet: `{success, data:{walletAddress, balanceUsd, canConsume, …}}`.
    public static func walletBalance(_ response: HTTPResponse) throws(ProviderError) -> BalanceSnapshot {
        guard HTTPStatusClassifier.isSuccess(response) else { throw error(for: response) }
        let body = try ResponseBody.json(response, expecting: "Venice wallet balance")
        guard
            let usd = try BoundedField.balance(
                body["data"]?["balanceUsd"], .usd, field: "Venice wallet balance data.balanceUsd")
        else {
            throw .malformedResponse(reason: "Venice wallet balance: no data.balanceUsd")
        }
        return BalanceSnapshot(available: [usd])
    }

    /// Venice's exceptions to the shared status rules: 422 is a content-policy rejection whose
    /// `credits_refunded` sits in `error` or at the top level; 404 `MEDIA_NOT_FOUND`.
    static func error(for response: HTTPResponse) -> ProviderError {
        guard response.status == 422 else { return HTTPStatusClassifier.error(for: response) }
        let body = ResponseBody.optionalJSON(response)
        let refunded = body?["error"]?["credits_refunded"]?.boolValue ?? body?["credits_refunded"]?.boolValue ?? false
        return .contentPolicy(refunded: refunded, message: ErrorFields(body).message)
    }
}
