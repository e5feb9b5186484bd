import HTTPClient

/// Why a provider call produced no usable answer. Each case tells the caller what to do with the
/// job and its hold; messages come from the provider's body (shortened) and never carry secrets.
public enum ProviderError: Error, Sendable, Equatable {
    /// The credential was refused (401, or a wallet sign-in rejected).
    case authentication(message: String?)
    /// Not enough balance (HTTP 402, AIGate's 429 `insufficient_quota`), with what the provider
    /// said it needs.
    case paymentRequired(PaymentRequiredDetails)
    /// Too many requests; wait `retryAfterSeconds` when given.
    case rateLimited(retryAfterSeconds: Int?)
    /// The provider refused the content. `refunded` is true when it says the charge was returned.
    case contentPolicy(refunded: Bool, message: String?)
    /// The job or its media is unknown to the provider (Venice `MEDIA_NOT_FOUND`, 404).
    case notFound(message: String?)
    /// The job's media expired (AIGate 410 after 20 minutes).
    case expired(message: String?)
    /// The provider refused the request as given (400, 403 region, 409 consent, 413): nothing to
    /// retry unchanged.
    case rejected(status: Int, code: String?, message: String?)
    /// The provider is down, overloaded or failed internally (5xx, 503 at capacity).
    case unavailable(status: Int, message: String?)
    /// The answer could not be read; the job's state is unknown, not failed.
    case malformedResponse(reason: String)
    /// The provider has no such operation (AIGate has no status endpoint; its submit is the poll).
    case unsupported(String)
    /// No credential is configured for this operation.
    case missingCredential(String)
    /// No HTTP response at all. After a submit, the provider may still have accepted the job.
    case transport(HTTPClientError)
}
