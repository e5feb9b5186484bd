import HTTPClient
import Logging

/// Sends one adapter request. Logs the method and URL only: headers carry credentials and are
/// never logged, not even redacted, to keep one rule simple.
struct ProviderTransport: Sendable {
    let client: any HTTPExecuting
    let logger: Logger
    let provider: ProviderID

    func send(_ request: HTTPRequest) async throws(ProviderError) -> HTTPResponse {
        logger.debug("provider request", metadata: [
            "provider": "\(provider.rawValue)", "method": "\(request.method.rawValue)", "url": "\(request.url)",
        ])
        do {
            let response = try await client.execute(request)
            logger.debug("provider response", metadata: [
                "provider": "\(provider.rawValue)", "status": "\(response.status)", "bytes": "\(response.body.count)",
            ])
            return response
        } catch {
            logger.info("provider transport error", metadata: ["provider": "\(provider.rawValue)", "error": "\(error)"])
            throw .transport(error)
        }
    }
}
