import HTTPClient

/// The status-code rules every provider shares. Each adapter first applies its own exceptions
/// (AIGate's 429 means no balance; Venice's 422 carries `credits_refunded`) and then falls back
/// to these.
enum HTTPStatusClassifier {
    /// The error for a non-2xx response.
    static func error(for response: HTTPResponse) -> ProviderError {
        let fields = ErrorFields(ResponseBody.optionalJSON(response))
        switch response.status {
        case 401:
            return .authentication(message: fields.message)
        case 402:
            return .paymentRequired(PaymentRequiredParser.details(from: response))
        case 404:
            return .notFound(message: fields.message)
        case 410:
            return .expired(message: fields.message)
        case 429:
            return .rateLimited(retryAfterSeconds: response.retryAfterSeconds)
        case 500...599:
            return .unavailable(status: response.status, message: fields.message)
        default:
            return .rejected(status: response.status, code: fields.code ?? fields.type, message: fields.message)
        }
    }

    static func isSuccess(_ response: HTTPResponse) -> Bool { (200...299).contains(response.status) }
}
