import HTTPClient
import Money

/// AIMO response parsing. Submit and balance are documented (docs/providers.md, AIMO); the
/// retrieve answer is not, so `status` reads it defensively: Venice's `video/mp4`-or-JSON form,
/// or a JSON status word with URLs wherever `ResultURLs` finds them. No cost or billed seconds
/// are read from it: no field for either is documented, and a guessed one could misstate a cost.
/// Figures are held to `ResponseBounds`.
public enum AIMOResponses {
    public static func submission(_ response: HTTPResponse) throws(ProviderError) -> ProviderSubmission {
        guard HTTPStatusClassifier.isSuccess(response) else { throw HTTPStatusClassifier.error(for: response) }
        let body = try ResponseBody.json(response, expecting: "AIMO queue")
        guard let id = body["id"]?.stringValue, !id.isEmpty else {
            throw .malformedResponse(reason: "AIMO queue: no id")
        }
        return ProviderSubmission(
            providerJobID: id,
            paymentSource: .walletBalance(.usdc),
            // 0 (the seed's value) means "not said"; an out-of-bounds count is left out rather
            // than cost the accepted job its id.
            variantsExpected: (try? BoundedField.integer(
                body["variants_expected"], field: "variants_expected", in: 0...ResponseBounds.variantsMax))?
                .flatMap { $0 > 0 ? Int($0) : nil }
        )
    }

    public static func status(_ response: HTTPResponse, providerJobID: String) throws(ProviderError) -> ProviderStatus {
        guard HTTPStatusClassifier.isSuccess(response) else { throw HTTPStatusClassifier.error(for: response) }
        if let mediaType = response.mediaType, mediaType.hasPrefix("video/") {
            return ProviderStatus(
                providerJobID: providerJobID, state: .completed, inlineResult: .bytes(response.body.count))
        }
        let body = try ResponseBody.json(response, expecting: "AIMO retrieve")
        guard let word = body["status"]?.stringValue else {
            throw .malformedResponse(reason: "AIMO retrieve: no status")
        }
        guard let state = JobStateVocabulary.state(word) else {
            throw .malformedResponse(reason: "AIMO retrieve: unknown status '\(ResponseBody.shortened(word) ?? "")'")
        }
        let averageMilliseconds = try BoundedField.integer(
            body["average_execution_time"], field: "AIMO retrieve average_execution_time",
            in: 0...ResponseBounds.etaMillisecondsMax)
        let elapsedMilliseconds = try BoundedField.integer(
            body["execution_duration"], field: "AIMO retrieve execution_duration",
            in: 0...ResponseBounds.elapsedMillisecondsMax)
        let progress = try BoundedField.integer(
            body["progress"], field: "AIMO retrieve progress", in: ResponseBounds.progressPercentRange)
        return ProviderStatus(
            providerJobID: providerJobID,
            state: state,
            progressPercent: progress.map { Int($0) },
            // Both bounded, so the difference cannot overflow.
            etaMilliseconds: averageMilliseconds.flatMap { average in elapsedMilliseconds.map { max(0, average - $0) }
            },
            resultURLs: ResultURLs.find(in: body),
            paymentSource: .walletBalance(.usdc),
            failureReason: ErrorFields(body).message
        )
    }

    /// `{balance_micro_usdc: 12345678, balance_usd: "12.345678"}`: the integer micro-USDC field is
    /// exact and preferred; the string is the fallback.
    public static func balance(_ response: HTTPResponse) throws(ProviderError) -> BalanceSnapshot {
        guard HTTPStatusClassifier.isSuccess(response) else { throw HTTPStatusClassifier.error(for: response) }
        let body = try ResponseBody.json(response, expecting: "AIMO balance")
        let microsRange = ResponseBounds.balanceMicrosRange
        if let micros = try BoundedField.integer(
            body["balance_micro_usdc"], field: "AIMO balance balance_micro_usdc", in: microsRange)
        {
            return BalanceSnapshot(available: [Money(micros: micros, currency: .usdc)])
        }
        guard let balance = try BoundedField.balance(body["balance_usd"], .usdc, field: "AIMO balance balance_usd")
        else {
            throw .malformedResponse(reason: "AIMO balance: neither balance_micro_usdc nor balance_usd")
        }
        return BalanceSnapshot(available: [balance])
    }
}
