import HTTPClient

/// The one place the loopback tests get their HTTP client: the libcurl client the service uses,
/// so the tests exercise the real transport against the simulator. Its default
/// `timeoutMillisecondsMax` covers every deadline these tests set.
func makeTestHTTPClient() throws -> any HTTPExecuting { try CurlHTTPClient() }
