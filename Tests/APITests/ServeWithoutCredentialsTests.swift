import API
import Foundation
import HTTPClient
import Postgres
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
        let port = try Self.freePort()
        let log = "/tmp/videoledger-serve-test-\(getpid()).log"
        try? FileManager.default.removeItem(atPath: log)
        let pid = try ChildProcessHandle.spawn(
            binary, arguments: ["serve", "--host", "127.0.0.1", "--port", String(port)], environment: environment, log: log)
        let client = try CurlHTTPClient()
        let base = "http://127.0.0.1:\(port)"
        let auth = [HTTPHeader("Authorization", "Bearer \(token)")]
        var healthy = false
        let deadline = ContinuousClock.now + .seconds(300)
        while !healthy && ContinuousClock.now < deadline {
            healthy = (try? await client.execute(HTTPRequest(method: .get, url: base + "/healthz", timeoutMilliseconds: 5_000)))?.status == 200
            if !healthy { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(healthy, "serve never answered /healthz")
        for provider in ["venice", "cheapest"] {
            let body = """
                {"user_id":"\(user)","provider":"\(provider)","family":"wan-2.7","duration":"5s","resolution":"720p","prompt":"x"}
                """
            let submit = try await client.execute(HTTPRequest(
                method: .post, url: base + "/v1/jobs", headers: auth + [HTTPHeader("Idempotency-Key", "k-\(provider)")],
                body: Array(body.utf8), timeoutMilliseconds: 300_000))
            #expect(submit.status == 503, "\(provider): \(String(decoding: submit.body, as: UTF8.self))")
            #expect(String(decoding: submit.body, as: UTF8.self).contains("\"provider_disabled\""))
        }
        try await Task.sleep(for: .seconds(2))  // several poller ticks
        #expect(try await Self.inFlight(pool) == before, "a disabled provider's jobs are left exactly as they are")
        let status = try await ChildProcessHandle.terminate(pid, timeoutMilliseconds: 300_000)
        #expect(status == 0)
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(output.contains("disabled=aimo,openai-videos,venice,nanogpt,aigate"), "\(output.suffix(2_000))")
        #expect(output.contains("simulator=false") && !output.contains("built-in provider simulator"))
        #expect(try await pool.withSession { try $0.query("SELECT count(*) FROM jobs")[0].decode(0, as: Int64.self) } == 1)
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
                """).map { try $0.decode(0) }
        }
    }

    /// `videoledger` beside the test binary (`.build/<triple>/debug/`).
    static func binaryPath() -> String? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("videoledger").path
        let fallback = TestDatabase.repositoryRoot + "/.build/debug/videoledger"
        return [beside, fallback].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A port nothing listens on now (bound, read back, released).
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(socket, pointer, length) == 0 else { return -1 }
                return getsockname(socket, pointer, &length)
            }
        }
        guard bound == 0 else { throw ChildProcessHandle.SpawnFailed(code: errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
