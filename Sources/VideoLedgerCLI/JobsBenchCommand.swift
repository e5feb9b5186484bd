import ArgumentParser
import Basics
import Dispatch
import Foundation
import HTTPClient
import Jobs
import Ledger
import Logging
import Money
import Postgres
import Pricing
import ProviderRegistry
import Providers

/// `videoledger bench jobs`: jobs carried end to end per second (submit → simulated completion →
/// settled) and the poller's CPU time per 1,000 in-flight jobs per minute, beside two baselines
/// from the same run: bare single-row INSERTs of job-shaped rows through the same pool, and the
/// simulator's raw status request rate through the same HTTP client.
///
/// Runs on a private PostgreSQL cluster in a temporary folder and a provider simulator child
/// process (`videoledger simulate-providers`), so the figures count this process's work only.
struct JobsBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Jobs per second end to end, and poller CPU per in-flight job.")

    @Option(help: "Jobs carried end to end.") var jobs = 10_000
    @Option(help: "Submits in flight at once.") var concurrency = 64
    @Option(
        help:
            "Users the jobs are spread over, round robin (one user: every submit and settlement queues on one account)."
    )
    var users = 1
    @Option(help: "Polls in flight at once per provider (the service's default is the cap a provider is kept to).")
    var inFlightMaxPerProvider = JobsConfiguration.defaultInFlightMax
    @Option(help: "In-flight jobs for the CPU measurement.") var inFlight = 1_000
    @Option(help: "CPU measurement window, seconds.") var windowSeconds = 60
    @Option(help: "Simulated time to completion, milliseconds.") var completeAfterMilliseconds = 1_000
    @Option(
        help:
            "Print the N statements PostgreSQL spent most time on during the one-instance run (loads pg_stat_statements)."
    )
    var statements = 0
    @Option(name: .customLong("pricing-dir")) var pricingDirectory: String?
    @Option(name: .customLong("migrations-dir")) var migrationsDirectory = "migrations"

    func validate() throws {
        guard (1...10_000).contains(users) else { throw ValidationError("--users must be 1 to 10000") }
        guard (0...100).contains(statements) else { throw ValidationError("--statements must be 0 to 100") }
        guard (1...1_000).contains(inFlightMaxPerProvider) else {
            throw ValidationError("--in-flight-max-per-provider must be 1 to 1000")
        }
    }

    func run() async throws {
        var logger = Logger(label: "videoledger.bench")
        logger.logLevel = .error
        let catalog = try PricingDirectory.loadCatalog(pricingDirectory)
        let cluster = EmbeddedCluster(
            directory: "/tmp/videoledger-bench-\(getpid())", port: 30_000 + Int(getpid() % 5_000),
            extraSettings: statements > 0
                ? [
                    ("shared_preload_libraries", "pg_stat_statements"), ("track_functions", "all"),
                    ("pg_stat_statements.track_planning", "on"),
                    ("pg_stat_statements.track", "all"),
                ] : [])
        try await Self.blocking { try cluster.start() }
        defer {
            // A throwaway cluster (about 130 MB): nothing of it is worth keeping after the figures.
            try? cluster.stop(mode: "immediate")
            try? FileManager.default.removeItem(atPath: cluster.directory)
        }
        let pool = PostgresPool(.init(connectionString: cluster.connectionString, connectionsMax: 16))
        // The benchmark's own progress queries run on a pool of their own, so the job path's
        // pool counts only the job path's commits.
        let monitor = PostgresPool(.init(connectionString: cluster.connectionString, connectionsMax: 1))
        try await Migrator(pool: pool, directory: migrationsDirectory).migrate()
        let simulator = try await BenchSimulator.start(completeAfterMilliseconds: completeAfterMilliseconds)
        defer { simulator.stop() }
        let client = try CurlHTTPClient(configuration: ProviderAdapters.httpConfiguration())
        try await simulator.fund(client)
        let adapters = try ProviderAdapters.simulator(baseURLs: simulator.baseURLs, client: client, logger: logger)
        for user in 0..<users {
            try await Ledger(pool: pool).createUser("bench-\(user)")
            try await Ledger(pool: pool).topUp(
                key: "bench-funds-\(user)", userID: "bench-\(user)",
                amount: Money(micros: 1_000_000_000_000, currency: .usd))
        }

        print(
            "VideoLedger jobs benchmark: \(jobs) jobs of \(users) user(s), \(concurrency) submits at once, 4 polled providers (AIGate left out:"
        )
        print(
            "its calls hold a connection for the whole render), simulated completion after \(completeAfterMilliseconds) ms"
        )
        let machine = MachineCPU(simulator: simulator.pid, postmaster: cluster.postmasterPID)
        if statements > 0 { try await StatementStatistics.reset(monitor) }
        let endToEndStart = machine.now()
        let endToEnd = try await throughput(
            instances: 1, pool: pool, monitor: monitor, catalog: catalog, adapters: adapters, logger: logger)
        let endToEndCPU = machine.now().minus(endToEndStart)
        if statements > 0 { try await StatementStatistics.printTop(statements, monitor, per: jobs) }
        let threeInstances = try await throughput(
            instances: 3, pool: pool, monitor: monitor, catalog: catalog, adapters: adapters, logger: logger)
        let insertsStart = machine.now()
        let inserts = try await insertBaseline(pool: pool)
        let insertsCPU = machine.now().minus(insertsStart)
        let requests = try await requestBaseline(client: client, adapters: adapters)
        print(
            String(
                format:
                    "  end to end:        %8.0f jobs/s  (%d jobs in %.2f s, CPU %.2f s = %.3f ms per job, %.2f commits per job)",
                endToEnd.perSecond, jobs, endToEnd.seconds, endToEnd.cpuSeconds,
                endToEnd.cpuSeconds * 1_000 / Double(jobs), endToEnd.commitsPerJob))
        print(
            String(
                format:
                    "  three instances:   %8.0f jobs/s  (%d jobs in %.2f s, CPU %.2f s, %.2f commits per job; three pollers sharing the caps and the database)",
                threeInstances.perSecond, jobs, threeInstances.seconds, threeInstances.cpuSeconds,
                threeInstances.commitsPerJob))
        print(
            String(
                format: "  baseline INSERT:   %8.0f rows/s  (single-row autocommit INSERTs, same pool and concurrency)",
                inserts))
        print(
            String(
                format: "  baseline requests: %8.0f req/s   (simulator status GETs, same client and concurrency)",
                requests))
        print(
            String(
                format: "  ratio: end to end = %.3f x bare INSERT rate, %.3f x simulator request rate",
                endToEnd.perSecond / inserts, endToEnd.perSecond / requests))
        print("  CPU per job:       " + endToEndCPU.perItem(jobs) + " (one instance, end to end)")
        print("  CPU per INSERT:    " + insertsCPU.perItem(jobs) + " (the baseline)")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let budgetMilliseconds = Double(cores) * 1_000 / (0.15 * inserts)
        let usedMilliseconds = endToEndCPU.total * 1_000 / Double(jobs)
        print(
            String(
                format:
                    "  at 0.15 x bare INSERT (%.0f jobs/s), %d cores leave %.3f ms of CPU per job; the job path used %.3f ms (%.1f x)",
                0.15 * inserts, cores, budgetMilliseconds, usedMilliseconds, usedMilliseconds / budgetMilliseconds))
        // Real jobs, as the service wrote them: what each settled one keeps on disk.
        try await ReportBenchExtras.printBytesPerSettledJob(monitor)
        let cpu = try await pollerCPU(
            pool: pool, monitor: monitor, catalog: catalog, adapters: adapters, logger: logger)
        print(
            String(
                format:
                    "  poller CPU:        %8.1f ms per 1,000 in-flight jobs per minute (%d jobs, %d s window, %d polls, %.3f ms CPU per poll, %.3f commits per poll)",
                cpu.millisecondsPer1000PerMinute, inFlight, windowSeconds, cpu.polls, cpu.millisecondsPerPoll,
                cpu.commitsPerPoll))
        await client.shutdown()
        await pool.close()
        await monitor.close()
    }

    /// Submits `jobs` through `JobService` while `instances` pollers (each its own instance id,
    /// as separate `serve` processes would be) run; stops when all have ended.
    func throughput(
        instances: Int, pool: PostgresPool, monitor: PostgresPool, catalog: PriceCatalog,
        adapters: [ProviderID: any ProviderAdapter], logger: Logger
    )
        async throws -> (perSecond: Double, seconds: Double, cpuSeconds: Double, commitsPerJob: Double)
    {
        let configuration = JobsConfiguration(
            pollIntervalMillisecondsMin: 250, pollIntervalMillisecondsMax: 2_000,
            inFlightMaxPerProvider: Dictionary(
                uniqueKeysWithValues: ProviderID.allCases.map { ($0, inFlightMaxPerProvider) }),
            leaseBatchMax: 64,
            idleTickMilliseconds: 20)
        let service = JobService(
            pool: pool, catalog: catalog, adapters: adapters, configuration: configuration, logger: logger)
        let pollers = (0..<instances).map { _ in
            Poller(pool: pool, catalog: catalog, adapters: adapters, configuration: configuration, logger: logger)
        }
        let stop = StopSignal()
        let cpuBefore = Self.cpuSeconds()
        let commitsBefore = pool.commits.committed
        let started = ContinuousClock.now
        let polling = pollers.map { poller in Task { await poller.run(until: stop) } }
        try await submit(service, count: jobs, scenario: "", keyPrefix: "e2e\(instances)")
        print(
            String(
                format: "  (%d instance(s): every submit answered after %.2f s)", instances,
                Self.seconds(ContinuousClock.now - started)))
        while try await Self.count(monitor, "SELECT count(*) FROM jobs WHERE finished_at IS NULL") > 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        let seconds = Self.seconds(ContinuousClock.now - started)
        stop.stop()
        for task in polling { await task.value }
        let commits = pool.commits.committed - commitsBefore
        let completed = try await Self.count(
            monitor, "SELECT count(*) FROM jobs WHERE status = 'completed' AND idempotency_key LIKE $1",
            ["e2e\(instances)-%"])
        if completed != jobs { print("  warning: \(jobs - completed) jobs did not complete") }
        return (Double(jobs) / seconds, seconds, Self.cpuSeconds() - cpuBefore, Double(commits) / Double(jobs))
    }

    /// `inFlight` jobs that take 10 minutes; then the poller alone for the window.
    func pollerCPU(
        pool: PostgresPool, monitor: PostgresPool, catalog: PriceCatalog, adapters: [ProviderID: any ProviderAdapter],
        logger: Logger
    )
        async throws -> (
            millisecondsPer1000PerMinute: Double, polls: Int, millisecondsPerPoll: Double, commitsPerPoll: Double
        )
    {
        let service = JobService(pool: pool, catalog: catalog, adapters: adapters, logger: logger)
        try await submit(service, count: inFlight, scenario: "complete_after_ms=3600000", keyPrefix: "cpu")
        let poller = Poller(pool: pool, catalog: catalog, adapters: adapters, logger: logger)
        let pollsBefore = try await Self.count(monitor, "SELECT coalesce(sum(poll_attempts), 0)::bigint FROM jobs")
        let cpuBefore = Self.cpuSeconds()
        let commitsBefore = pool.commits.committed
        let stop = StopSignal()
        let polling = Task { await poller.run(until: stop) }
        try await Task.sleep(for: .seconds(windowSeconds))
        stop.stop()
        await polling.value
        let cpu = Self.cpuSeconds() - cpuBefore
        let commits = pool.commits.committed - commitsBefore
        let polls =
            try await Self.count(monitor, "SELECT coalesce(sum(poll_attempts), 0)::bigint FROM jobs") - pollsBefore
        let perThousandPerMinute = cpu * 1_000 * (1_000 / Double(inFlight)) * (60 / Double(windowSeconds))
        return (
            perThousandPerMinute, polls, polls > 0 ? cpu * 1_000 / Double(polls) : 0,
            polls > 0 ? Double(commits) / Double(polls) : 0
        )
    }

    func submit(_ service: JobService, count: Int, scenario: String, keyPrefix: String) async throws {
        let lanes = concurrency
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    for index in stride(from: lane, to: count, by: lanes) {
                        _ = try await service.submit(
                            Self.request(
                                index, user: "bench-\(index % users)", scenario: scenario, key: "\(keyPrefix)-\(index)")
                        )
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    static func request(_ index: Int, user: String, scenario: String, key: String) -> JobRequest {
        let prompt = "bench \(index) sim: \(scenario)"
        let specs: [(String, JobSpec)] = [
            ("aimo", JobSpec(family: "veo-3.1-fast", duration: 8, resolution: "720p", prompt: prompt)),
            ("openai-videos", JobSpec(family: "veo-3.1-fast", duration: 8, resolution: "720p", prompt: prompt)),
            ("venice", JobSpec(family: "wan-2.7", duration: 5, resolution: "720p", prompt: prompt)),
            ("nanogpt", JobSpec(family: "veo-2", duration: 5, resolution: "720p", aspectRatio: "16:9", prompt: prompt)),
        ]
        let (provider, spec) = specs[index % specs.count]
        return JobRequest(userID: user, idempotencyKey: key, spec: spec, provider: provider)
    }

    /// `jobs` single-row INSERTs of job-shaped rows, each its own commit, same concurrency.
    func insertBaseline(pool: PostgresPool) async throws -> Double {
        try await pool.withSession { session in
            try session.execute(
                """
                CREATE TABLE IF NOT EXISTS bench_rows (id uuid PRIMARY KEY, user_id text, provider text, provider_model text,
                    status text, quoted_micros bigint, created_at timestamptz DEFAULT now())
                """)
        }
        let started = ContinuousClock.now
        let count = jobs
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    for _ in stride(from: lane, to: count, by: self.concurrency) {
                        try await pool.withSession { session in
                            try session.execute(
                                "INSERT INTO bench_rows (id, user_id, provider, provider_model, status, quoted_micros) VALUES ($1, $2, $3, $4, $5, $6)",
                                [UUID(), "bench", "venice", "wan-2-7-text-to-video", "queued", Int64(550_000)])
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(count) / Self.seconds(ContinuousClock.now - started)
    }

    /// `jobs` status requests to the simulator for one existing job, same concurrency.
    func requestBaseline(client: CurlHTTPClient, adapters: [ProviderID: any ProviderAdapter]) async throws -> Double {
        guard let adapter = adapters[.nanoGPT] else { return .nan }
        let submission = try await adapter.submit(.init(model: "veo2-video", prompt: "baseline", durationSeconds: 5))
        let handle = ProviderJobHandle(providerJobID: submission.providerJobID, model: "veo2-video")
        let started = ContinuousClock.now
        let count = jobs
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    for _ in stride(from: lane, to: count, by: self.concurrency) {
                        _ = try await adapter.status(of: handle)
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(count) / Self.seconds(ContinuousClock.now - started)
    }

    static func count(_ pool: PostgresPool, _ sql: String, _ parameters: [(any PostgresEncodable)?] = []) async throws
        -> Int
    {
        try await pool.withSession { session in try session.query(sql, parameters)[0].decode(0) }
    }

    static func seconds(_ duration: Duration) -> Double {
        duration.secondsValue
    }

    /// User plus system CPU time of this process (getrusage).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func blocking(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}

/// `videoledger simulate-providers --base-port 0` as a child process, so its CPU is not ours.
/// Started with `ChildProcess`; its exports are read from its log as it prints them.
struct BenchSimulator {
    let pid: pid_t
    let log: String
    let baseURLs: [String: String]

    struct StartFailed: Error, CustomStringConvertible {
        let description: String
    }

    static func start(completeAfterMilliseconds: Int) async throws -> BenchSimulator {
        let log = NSTemporaryDirectory() + "videoledger-bench-simulator-\(getpid()).log"
        try? FileManager.default.removeItem(atPath: log)
        let pid = try ChildProcess.start(
            CommandLine.arguments[0],
            arguments: [
                "simulate-providers", "--base-port", "0", "--jobs-max", "50000", "--defaults",
                "complete_after_ms=\(completeAfterMilliseconds)",
            ],
            environment: ChildProcess.minimalEnvironment(), log: log)
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            let urls = baseURLs(in: text)
            if urls.count == ProviderID.allCases.count { return BenchSimulator(pid: pid, log: log, baseURLs: urls) }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { throw StartFailed(description: "simulator exited: \(text)") }
            guard ContinuousClock.now < deadline else {
                _ = try? await ChildProcess.kill(pid)
                throw StartFailed(description: "simulator printed no base URLs in 60 s: \(text)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// `export VIDEOLEDGER_<PROVIDER>_BASE_URL=…` lines, keyed by provider id.
    static func baseURLs(in text: String) -> [String: String] {
        var urls: [String: String] = [:]
        for provider in ProviderID.allCases {
            let prefix = "export " + provider.baseURLVariable + "="
            for line in text.split(separator: "\n") {
                let words = line.drop { $0 == " " }
                if words.hasPrefix(prefix) { urls[provider.rawValue] = String(words.dropFirst(prefix.count)) }
            }
        }
        return urls
    }

    /// Balances large enough for every job of the run.
    func fund(_ client: CurlHTTPClient) async throws {
        for url in baseURLs.values {
            let origin = url.split(separator: "/").prefix(2).joined(separator: "//")
            let body = "balance_usd=100000000 balance_usdc=100000000 balance_xno=100000000"
            _ = try await client.execute(
                HTTPRequest(method: .post, url: origin + "/_sim/scenario", body: Array(body.utf8)))
        }
    }

    /// SIGTERM; the child is reaped if it already exited, else when this process exits (a bench
    /// ends right after), so nothing here waits on a cooperative thread.
    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
        try? FileManager.default.removeItem(atPath: log)
    }
}
