import API
import Basics
import Foundation
import HTTPClient
import Postgres
import ProviderRegistry
import TestSupport
import Testing

/// `videoledger serve` against a real database with no provider credentials (a failed secret
/// mount): no simulator starts, every provider is disabled, submits answer 503
/// `provider_disabled`, and jobs already in flight are left exactly as they are. The real binary,
/// started as a deploy would start it.
@Suite struct ServeWithoutCredentialsTests {
    @Test func aRealDatabaseWithoutCredentialsDisablesProvidersAndTouchesNoJob() async throws {
        let binary = try #require(Self.binaryPath(), "videoledger was not built next to the test binary")
        let pool = try await TestDatabase.makePool()
        let user = "nadia"
        try await pool.withSession { session in try session.execute("INSERT INTO users (id) VALUES ($1)", [user]) }
        try await JobFixture(userID: user, provider: "venice", status: "running").insert(pool)
        let token = try await TokenStore(pool: pool).create(name: "serve-test", scope: .admin)
        let before = try await Self.inFlight(pool)

        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("VIDEOLEDGER_") }
        environment["DATABASE_URL"] = pool.configuration.connectionString
        environment["VIDEOLEDGER_MIGRATIONS_DIR"] = TestDatabase.repositoryRoot + "/migrations"
        environment["VIDEOLEDGER_PRICING_DIR"] = TestDatabase.repositoryRoot + "/pricing"
        environment["VIDEOLEDGER_TOKEN_FILE"] = "/tmp/videoledger-serve-test-\(getpid())-token"
        let log = "/tmp/videoledger-serve-test-\(getpid()).log"
        try? FileManager.default.removeItem(atPath: log)
        // Port 0: serve binds a free port and logs it; no port can be taken in between.
        let pid = try ChildProcess.start(
            binary, arguments: ["serve", "--host", "127.0.0.1", "--port", "0"], environment: environment, log: log)
        let client = try CurlHTTPClient()
        let auth = [HTTPHeader("Authorization", "Bearer \(token)")]
        var port: Int?
        var healthy = false
        let deadline = ContinuousClock.now + .seconds(300)
        while !healthy && ContinuousClock.now < deadline {
            port = port ?? Self.listeningPort(in: log)
            if let port {
                let probe = HTTPRequest(
                    method: .get, url: "http://127.0.0.1:\(port)/healthz", timeoutMilliseconds: 5_000)
                healthy = (try? await client.execute(probe))?.status == 200
            }
            if !healthy { try await Task.sleep(for: .milliseconds(100)) }
        }
        let base = "http://127.0.0.1:\(port ?? 0)"
        #expect(healthy, "serve never answered /healthz")
        for provider in ["venice", "cheapest"] {
            let body = """
                {"user_id":"\(user)","provider":"\(provider)","family":"wan-2.7","duration":"5s","resolution":"720p","prompt":"x"}
                """
            let submit = try await client.execute(
                HTTPRequest(
                    method: .post, url: base + "/v1/jobs",
                    headers: auth + [HTTPHeader("Idempotency-Key", "k-\(provider)")],
                    body: Array(body.utf8), timeoutMilliseconds: 300_000))
            #expect(submit.status == 503, "\(provider): \(String(decoding: submit.body, as: UTF8.self))")
            #expect(String(decoding: submit.body, as: UTF8.self).contains("\"provider_disabled\""))
        }
        try await Task.sleep(for: .seconds(2))  // several poller ticks
        #expect(try await Self.inFlight(pool) == before, "a disabled provider's jobs are left exactly as they are")
        let status = try await ChildProcess.terminate(pid, timeoutMilliseconds: 300_000)
        #expect(status == 0)
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let every = ProviderID.allCases.map(\.rawValue).joined(separator: ",")
        #expect(output.contains("disabled=\(every)"), "\(output.suffix(2_000))")
        #expect(output.contains("simulator=false") && !output.contains("built-in provider simulator"))
        #expect(
            try await pool.withSession { try $0.query("SELECT count(*) FROM jobs")[0].decode(0, as: Int64.self) } == 1)
        await client.shutdown()
        await pool.close()
    }

    /// Every column a poller would touch, for each job in flight.
    static func inFlight(_ pool: PostgresPool) async throws -> [String] {
        try await pool.withSession { session in
            try session.query(
                """
                SELECT id::text || status || poll_attempts || coalesce(lease_owner, '-') || coalesce(next_poll_at::text, '-')
                       || updated_at::text || coalesce(last_error, '-')
                FROM jobs WHERE finished_at IS NULL ORDER BY id
                """
            ).map { try $0.decode(0) }
        }
    }

    /// `videoledger` beside the test binary (`.build/<triple>/debug/`).
    static func binaryPath() -> String? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "videoledger"
        ).path
        let fallback = TestDatabase.repositoryRoot + "/.build/debug/videoledger"
        return [beside, fallback].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The port from serve's `listening port=N` log line, once it is there.
    static func listeningPort(in log: String) -> Int? {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.contains("listening") && $0.contains("port=") }),
            let value = line.split(separator: "port=").last?.prefix(while: \.isNumber)
        else { return nil }
        return Int(value)
    }
}
