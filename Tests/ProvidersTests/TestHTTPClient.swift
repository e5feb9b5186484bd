import HTTPClient

/// The one place the loopback tests get their HTTP client: the libcurl client the service uses,
/// so the tests exercise the real transport against the simulator.
func makeTestHTTPClient() -> any HTTPExecuting { CurlHTTPClient() }
