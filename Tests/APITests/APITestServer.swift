import API
import Foundation
import HTTPClient
import Hummingbird
import Jobs
import Logging
import Postgres
import Pricing
import ProviderRegistry
import Providers
import Reconciliation
import TestSupport
import Testing

/// The REST service on a loopback port over a fresh database, driven with the libcurl client.
struct APITestServer: Sendable {
    let baseURL: String
    let pool: PostgresPool
    let client: CurlHTTPClient
    let adminToken: String
    let readToken: String
    let task: Task<Void, any Error>
    /// The scorecard the quote routes rank with; a test refreshes it from the jobs it writes.
    let scorecards: ScorecardBoard

    /// - Parameter adapters: provider adapters for job routes (none: submits are not offered).
    static func start(
        metricsOpen: Bool? = nil, host: String = "127.0.0.1", corsOrigins: [String] = [], poolConnections: Int = 8,
        adapters: [ProviderID: any ProviderAdapter] = [:], logger: Logger = Logger(label: "api-test"),
        database: PostgresPool? = nil, reads: PostgresReadRouter? = nil,
        extraRoutes: @Sendable (Router<APIRequestContext>) -> Void = { _ in }
    ) async throws -> APITestServer {
        let pool: PostgresPool
        if let database {
            pool = database
        } else {
            pool = try await TestDatabase.makePool(connectionsMax: poolConnections)
        }
        let catalog = try PriceCatalog.load(directory: TestDatabase.repositoryRoot + "/pricing")
        let tokens = TokenStore(pool: pool)
        let adminToken = try await tokens.create(name: "test-admin", scope: .admin)
        let readToken = try await tokens.create(name: "test-read", scope: .read)
        let scorecards = ScorecardBoard(catalog: catalog)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var configuration = VideoLedgerApplication.Configuration(
            host: host, port: 0, metricsOpen: metricsOpen, corsAllowedOrigins: corsOrigins)
        // The whole suite shares two cores: a first connection can take seconds.
        configuration.healthProbeTimeoutMilliseconds = 20_000
        let router = VideoLedgerApplication.router(
            configuration: configuration,
            dependencies: .init(
                pool: pool, catalog: catalog, authenticator: TokenAuthenticator(store: tokens, cacheMilliseconds: 0),
                jobs: JobService(pool: pool, catalog: catalog, adapters: adapters),
                reconciler: Reconciler(pool: pool, catalog: catalog, adapters: adapters), scorecards: scorecards,
                reads: reads))
        extraRoutes(router)
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: 0), serverName: "videoledger"),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await application.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return APITestServer(
            baseURL: "http://127.0.0.1:\(port)", pool: pool, client: try CurlHTTPClient(),
            adminToken: adminToken, readToken: readToken, task: task, scorecards: scorecards)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
        await client.shutdown()
        await pool.close()
    }

    enum Token { case admin, read, none, bogus }

    func request(
        _ method: HTTPClient.HTTPRequest.Method, _ path: String, body: String? = nil, token: Token = .admin,
        headers: [HTTPClient.HTTPHeader] = []
    ) async throws -> (status: Int, json: [String: Any], body: String) {
        let answer = try await requestWithHeaders(method, path, body: body, token: token, headers: headers)
        return (answer.status, answer.json, answer.body)
    }

    /// `request`, with the response's headers too.
    func requestWithHeaders(
        _ method: HTTPClient.HTTPRequest.Method, _ path: String, body: String? = nil, token: Token = .admin,
        headers: [HTTPClient.HTTPHeader] = []
    ) async throws -> (status: Int, json: [String: Any], body: String, response: HTTPClient.HTTPResponse) {
        var allHeaders = headers
        switch token {
        case .admin: allHeaders.append(HTTPClient.HTTPHeader("Authorization", "Bearer \(adminToken)"))
        case .read: allHeaders.append(HTTPClient.HTTPHeader("Authorization", "Bearer \(readToken)"))
        case .bogus: allHeaders.append(HTTPClient.HTTPHeader("Authorization", "Bearer vl_not-a-token"))
        case .none: break
        }
        if body != nil { allHeaders.append(HTTPClient.HTTPHeader("Content-Type", "application/json")) }
        let response = try await client.execute(
            HTTPClient.HTTPRequest(
                method: method, url: baseURL + path, headers: allHeaders, body: body.map { Array($0.utf8) },
                timeoutMilliseconds: 300_000))
        let text = String(decoding: response.body, as: UTF8.self)
        // Every response any API test receives must be documented and fit its schema.
        let problems = OpenAPISpec.shared.violations(
            method: method.rawValue, path: path, status: response.status, body: Data(response.body),
            contentType: response.header("Content-Type"))
        for problem in problems { Issue.record("OpenAPI: \(problem)\n\(text.prefix(500))") }
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return (response.status, json, text, response)
    }
}

/// The `error.code` of an error response.
func errorCode(_ json: [String: Any]) -> String? {
    (json["error"] as? [String: Any])?["code"] as? String
}
