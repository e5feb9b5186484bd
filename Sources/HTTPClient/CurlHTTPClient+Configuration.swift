extension CurlHTTPClient {
    /// Every limit of the client, explicit and with its unit in its name. The defaults suit a few
    /// providers polled by about a thousand in-flight jobs; per-request limits (deadline, response
    /// size, redirects on or off) travel in `HTTPRequest`.
    public struct Configuration: Sendable, Equatable {
        /// Open connections across all hosts (`CURLMOPT_MAX_TOTAL_CONNECTIONS`, and the size of the
        /// connection cache), and so requests in curl at once. Further requests wait in the client,
        /// oldest first per host, hosts taking turns; their deadline keeps running while they wait.
        public var connectionsMax: Int
        /// Open connections to one host, that is scheme, name and port (`CURLMOPT_MAX_HOST_CONNECTIONS`),
        /// so one slow provider cannot take every connection or hold back requests to the others.
        public var connectionsPerHostMax: Int
        /// Requests accepted and not yet finished, waiting or in flight. Beyond it `execute` fails
        /// at once with `HTTPClientError.unavailable`: a full client sheds load instead of queueing
        /// without bound.
        public var pendingRequestsMax: Int
        /// Deadline for TCP and TLS connection setup (`CURLOPT_CONNECTTIMEOUT_MS`), capped by the
        /// request's own remaining deadline.
        public var connectTimeoutMilliseconds: Int
        /// Ceiling on `HTTPRequest.timeoutMilliseconds`; longer deadlines are shortened to it. It also
        /// bounds how long `shutdown()` waits for in-flight requests.
        public var timeoutMillisecondsMax: Int
        /// Redirects followed when a request asks for redirects (`CURLOPT_MAXREDIRS`).
        public var redirectsMax: Int
        /// Response header bytes accepted per request, all header lines counted; beyond it the
        /// request fails with `HTTPClientError.transport`.
        public var responseHeaderBytesMax: Int
        /// The longest the driver thread sleeps while requests are in flight, and so the precision of
        /// the deadline check for requests still waiting for a connection (curl times the others).
        public var pollIntervalMilliseconds: Int

        public init(
            connectionsMax: Int = 64,
            connectionsPerHostMax: Int = 16,
            pendingRequestsMax: Int = 4_096,
            connectTimeoutMilliseconds: Int = 10_000,
            timeoutMillisecondsMax: Int = 300_000,
            redirectsMax: Int = 5,
            responseHeaderBytesMax: Int = 64 * 1024,
            pollIntervalMilliseconds: Int = 100
        ) {
            self.connectionsMax = connectionsMax
            self.connectionsPerHostMax = connectionsPerHostMax
            self.pendingRequestsMax = pendingRequestsMax
            self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
            self.timeoutMillisecondsMax = timeoutMillisecondsMax
            self.redirectsMax = redirectsMax
            self.responseHeaderBytesMax = responseHeaderBytesMax
            self.pollIntervalMilliseconds = pollIntervalMilliseconds
        }

        /// Stops on a configuration that cannot work. A configuration is written by a programmer,
        /// so a bad one is a bug to catch at startup, not an error to handle per request.
        func validate() {
            precondition(connectionsMax >= 1, "connectionsMax must be at least 1")
            precondition(connectionsPerHostMax >= 1, "connectionsPerHostMax must be at least 1")
            precondition(connectionsPerHostMax <= connectionsMax, "connectionsPerHostMax exceeds connectionsMax")
            precondition(pendingRequestsMax >= 1, "pendingRequestsMax must be at least 1")
            precondition(connectTimeoutMilliseconds >= 1, "connectTimeoutMilliseconds must be at least 1")
            precondition(timeoutMillisecondsMax >= 1, "timeoutMillisecondsMax must be at least 1")
            precondition(redirectsMax >= 0, "redirectsMax must not be negative")
            precondition(responseHeaderBytesMax >= 1024, "responseHeaderBytesMax must be at least 1024")
            precondition(pollIntervalMilliseconds >= 1, "pollIntervalMilliseconds must be at least 1")
            precondition(pollIntervalMilliseconds <= 1_000, "pollIntervalMilliseconds must be at most 1000")
        }
    }
}
