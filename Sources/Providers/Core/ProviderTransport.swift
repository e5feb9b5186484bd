import HTTPClient
import Logging
import ProviderRegistry

/// Sends one adapter request and parses its answer. Logs the method and URL only: headers carry
/// credentials and are never logged, not even redacted, to keep one rule simple. Errors built
/// from provider text have the adapter's own secrets scrubbed out.
struct ProviderTransport: Sendable {
    let client: any HTTPExecuting
    let logger: Logger
    let provider: ProviderID
    /// Credential values to scrub from provider messages.
    let secrets: [String]

    init(client: any HTTPExecuting, logger: Logger, provider: ProviderID, secrets: [Secret?]) {
        self.client = client
        self.logger = logger
        self.provider = provider
        self.secrets = secrets.compactMap { $0?.revealedForHeader }
    }

    /// Sends `request` and parses the response with `parse`.
    func exchange<Parsed>(
        _ request: HTTPRequest, _ parse: (HTTPResponse) throws(ProviderError) -> Parsed
    ) async throws(ProviderError) -> Parsed {
        let response = try await send(request)
        do {
            return try parse(response)
        } catch {
            throw error.redacting(secrets)
        }
    }

    private func send(_ request: HTTPRequest) async throws(ProviderError) -> HTTPResponse {
        logger.debug(
            "provider request",
            metadata: [
                "provider": "\(provider.rawValue)", "method": "\(request.method.rawValue)", "url": "\(request.url)",
            ])
        do {
            let response = try await client.execute(request)
            logger.debug(
                "provider response",
                metadata: [
                    "provider": "\(provider.rawValue)", "status": "\(response.status)",
                    "bytes": "\(response.body.count)",
                ])
            return response
        } catch {
            logger.info(
                "provider transport error", metadata: ["provider": "\(provider.rawValue)", "error": "\(error)"])
            throw .transport(error)
        }
    }
}
