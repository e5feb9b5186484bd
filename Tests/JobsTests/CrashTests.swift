import Foundation
import HTTPClient
import Jobs
import Ledger
import Money
import Postgres
import ProviderSimulator
import Testing
import TestSupport

/// The service carrying 500 jobs is killed with SIGKILL at random moments, restarted, and
/// finally left to finish: no job lost, none sent twice, none charged twice, every hold resolved,
/// invariants hold. The victim is a real process (`JobsCrashWorker`, built with the tests).
@Suite(.serialized) struct CrashTests {
    static let jobs = 500
    static let kills = 8

    @Test func killedAtRandomPointsWhileCarrying500JobsLosesNothing() async throws {
        let worker = try #require(Self.workerPath(), "JobsCrashWorker was not built next to the test binary")
        var simulatorConfiguration = SimulatorConfiguration.ephemeralPorts()
        for provider in SimulatedProvider.allCases {
            simulatorConfiguration.balancesMicros[provider] = ["USD": 10_000_000_000, "USDC": 10_000_000_000, "XNO": 10_000_000_000]
        }
        let simulator = try await ProviderSimulator.start(simulatorConfiguration)
        defer { Task { await simulator.stop() } }
        let pool = try await TestDatabase.makePool()
        defer { Task { await pool.close() } }
        try await Ledger(pool: pool).createUser("crash")
        try await Ledger(pool: pool).topUp(key: "fund-crash", userID: "crash", amount: Money(micros: 10_000_000_000, currency: .usd))
        let urls = simulator.baseURLs.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: ",")
        var environment = ProcessInfo.processInfo.environment
        environment["CRASH_DATABASE"] = pool.configuration.connectionString
        environment["CRASH_PRICING_DIR"] = TestDatabase.repositoryRoot + "/pricing"
        environment["CRASH_BASE_URLS"] = urls
        environment["CRASH_JOBS"] = String(Self.jobs)
        environment["CRASH_USER"] = "crash"
        let log = "/tmp/videoledger-crash-worker-\(getpid()).log"

        for _ in 0..<Self.kills {
            let pid = try ChildProcessHandle.spawn(worker, environment: environment, log: log)
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...2_500)))
            let status = try await ChildProcessHandle.kill(pid)
            #expect(status != 0, "the worker finished before it was killed; the test lost its point")
        }
        let pid = try ChildProcessHandle.spawn(worker, environment: environment, log: log)
        let status = try await ChildProcessHandle.wait(pid, timeoutMilliseconds: 180_000)
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "final worker run failed: \(output.suffix(2_000))")

        // Unknown jobs (a kill between our write and the provider's answer) resolve after the
        // bound; the worker's leases are short, so 2.5 s covers them.
        try await Task.sleep(for: .milliseconds(2_500))
        let configuration = JobsConfiguration(
            leaseMilliseconds: 1_500, submitLeaseMilliseconds: 2_000, synchronousLeaseMilliseconds: 4_000,
            heldBoundMilliseconds: 2_000)
        let reconciler = Reconciler(pool: pool, catalog: JobsHarness.catalog, adapters: [:], configuration: configuration)
        let report = try await reconciler.run(from: Date().addingTimeInterval(-3_600), to: Date())
        let resolved = report.findings.filter { $0.kind == "unknown_resolved" }.count

        func count(_ sql: String) async throws -> Int { try await pool.withSession { try $0.query(sql)[0].decode(0) } }
        #expect(try await count("SELECT count(*) FROM jobs") == Self.jobs)
        #expect(try await count("SELECT count(DISTINCT idempotency_key) FROM jobs") == Self.jobs)
        #expect(try await count("SELECT count(*) FROM jobs WHERE finished_at IS NULL") == 0)
        #expect(try await count("SELECT count(*) FROM holds WHERE state = 'open'") == 0)
        #expect(try await count("SELECT count(*) FROM (SELECT job_id FROM holds GROUP BY job_id HAVING count(*) > 1) twice") == 0)
        #expect(try await count(
            """
            SELECT count(*) FROM (SELECT hold_id FROM transfers WHERE kind IN ('capture', 'release', 'excess')
                                  GROUP BY hold_id HAVING count(DISTINCT operation_key) > 1) twice
            """) == 0)
        // Never sent twice: each provider holds at most the jobs we wrote for it, and any job it
        // holds that we never learned the id of is one reconciliation resolved as unknown.
        var providerJobs = 0
        let client = try CurlHTTPClient()
        defer { Task { await client.shutdown() } }
        for provider in SimulatedProvider.allCases {
            let url = try #require(simulator.controlURL(provider)) + "/state"
            let response = try await client.execute(HTTPRequest(method: .get, url: url))
            let state = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            let held = state["jobs"] as? Int ?? -1
            let ours = try await count("SELECT count(*) FROM jobs WHERE provider = '\(provider.rawValue)'")
            let known = try await count("SELECT count(*) FROM jobs WHERE provider = '\(provider.rawValue)' AND provider_job_id IS NOT NULL")
            #expect(held <= ours, "\(provider.rawValue): provider has \(held) jobs, we wrote \(ours)")
            #expect(held >= known, "\(provider.rawValue): we recorded \(known) provider ids, provider has \(held)")
            providerJobs += held
        }
        let known = try await count("SELECT count(*) FROM jobs WHERE provider_job_id IS NOT NULL")
        #expect(providerJobs - known <= resolved, "provider jobs we never recorded: \(providerJobs - known), resolved unknown: \(resolved)")
        let completed = try await count("SELECT count(*) FROM jobs WHERE status = 'completed'")
        print("crash test: \(Self.kills) kills, \(completed) completed, \(resolved) unknown resolved, \(providerJobs) provider jobs")
        #expect(!report.findings.contains { $0.kind == "invariant_violation" })
        let violations = try await ledgerInvariantViolations(pool)
        #expect(violations.isEmpty, "\(violations)")
    }

    /// `JobsCrashWorker` beside the test binary (`.build/<triple>/debug/`), else in `.build/debug`.
    static func workerPath() -> String? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("JobsCrashWorker").path
        let fallback = TestDatabase.repositoryRoot + "/.build/debug/JobsCrashWorker"
        return [beside, fallback].first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Starts, kills and reaps a child process with posix_spawn and waitpid, off the cooperative pool.
enum ChildProcessHandle {
    struct SpawnFailed: Error { let code: Int32 }

    static func spawn(_ path: String, environment: [String: String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw SpawnFailed(code: result) }
        return pid
    }

    /// SIGKILL, then reap; returns the wait status.
    static func kill(_ pid: pid_t) async throws -> Int32 {
        Glibc.kill(pid, SIGKILL)
        return try await wait(pid, timeoutMilliseconds: 10_000)
    }

    /// Waits for the child; kills it at the deadline. Returns the raw wait status (0 = exit 0).
    static func wait(_ pid: pid_t, timeoutMilliseconds: Int) async throws -> Int32 {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMilliseconds)
        while true {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return status }
            if ContinuousClock.now > deadline {
                Glibc.kill(pid, SIGKILL)
                var ignored: Int32 = 0
                _ = waitpid(pid, &ignored, 0)
                return -1
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
