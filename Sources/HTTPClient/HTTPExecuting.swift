/// The seam between provider adapters and the network: the libcurl client implements it, and
/// adapters depend only on this.
public protocol HTTPExecuting: Sendable {
    func execute(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse
}
