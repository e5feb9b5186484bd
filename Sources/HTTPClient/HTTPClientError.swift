/// Why a request produced no HTTP response. An HTTP error status is not an error here: it is a
/// response, and the provider adapter decides what it means.
public enum HTTPClientError: Error, Sendable, Equatable {
    /// The request's deadline passed.
    case timedOut
    /// Nothing listened at the address, or the connection could not be made.
    case connectionFailed(String)
    /// The body grew past the request's `responseBytesMax`.
    case responseTooLarge(limitBytes: Int)
    /// The caller's task was cancelled.
    case cancelled
    /// The client is shutting down or its queue of pending requests is full.
    case unavailable(String)
    /// Any other transport failure, with curl's message.
    case transport(String)
    /// The URL could not be used.
    case invalidURL(String)
}
