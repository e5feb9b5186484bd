/// The production `HTTPExecuting`: libcurl's multi interface driven by one dedicated thread.
///
/// Any number of tasks may call `execute` concurrently; past `pendingRequestsMax` outstanding
/// requests, calls fail at once with `.unavailable`. A call only takes a lock, queues the request
/// and suspends; the driver thread does all network work and resumes each call exactly once. So
/// nothing blocks Swift's cooperative pool, and connections are reused across requests (the multi
/// handle keeps them) within the caps of `Configuration`.
///
/// On the wire: HTTP/1.1; TLS peer and host verified against the system trust store; proxies off,
/// whatever the environment says; no `Accept-Encoding` unless the caller sends one (bodies arrive
/// as the server sent them); a body without a caller-supplied `Content-Type` goes without one;
/// no `Expect: 100-continue`. With `followRedirects`, curl drops a caller's `Authorization` header
/// when a redirect changes host, but sends other headers (such as `X-Api-Key`) along.
///
/// Call `shutdown()` before the process exits. Dropping the last reference also stops the driver,
/// without waiting for it.
public final class CurlHTTPClient: HTTPExecuting {
    public let configuration: Configuration
    private let driver: CurlMultiDriver

    /// Fails only when libcurl cannot be set up (`curl_global_init` or `curl_multi_init`).
    /// Stops the process on an impossible configuration (see `Configuration`).
    public init(configuration: Configuration = Configuration()) throws(HTTPClientError) {
        self.configuration = configuration
        self.driver = try CurlMultiDriver(configuration: configuration)
        driver.start()
    }

    deinit {
        // No `execute` can be running: each holds a reference to the client.
        driver.stop()
    }

    /// Sends the request and returns the whole response, whatever its status.
    ///
    /// The deadline (`timeoutMilliseconds`, capped by `Configuration.timeoutMillisecondsMax`)
    /// starts now and covers waiting for a connection. Throws `.cancelled` when the calling task is
    /// cancelled, `.unavailable` when the client is shutting down or holds `pendingRequestsMax`
    /// requests, and the other `HTTPClientError` cases for transport failures.
    public func execute(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse {
        let timeoutMilliseconds = min(request.timeoutMilliseconds, configuration.timeoutMillisecondsMax)
        guard timeoutMilliseconds >= 1 else { throw .timedOut }
        if let problem = request.problem { throw problem }
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(timeoutMilliseconds))
        let driver = self.driver
        let id = driver.makeRequestID()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let submission = CurlSubmission(
                    id: id,
                    request: request,
                    connectionKey: request.connectionKey,
                    deadline: deadline,
                    continuation: continuation
                )
                driver.submit(submission)
            }
        } onCancel: {
            driver.cancel(requestID: id)
        }
        return try result.get()
    }

    /// Stops the client: new and queued requests fail with `.unavailable("shutting down")`;
    /// requests already in curl run to completion (each within its deadline, so within
    /// `timeoutMillisecondsMax`); then the driver thread frees curl's handles and exits. Returns
    /// when it has. Safe to call more than once and from several tasks.
    public func shutdown() async {
        driver.stop()
        await driver.waitUntilStopped()
    }
}
