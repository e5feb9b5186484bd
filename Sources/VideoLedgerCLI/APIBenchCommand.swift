import API
import ArgumentParser
import Basics
import Dispatch
import Foundation
import Jobs
import Ledger
import Logging
import Postgres
import Pricing
import Reconciliation

/// `videoledger bench api`: the REST API under `wrk`, against a release build, with baselines
/// from the same run.
///
/// 1. Seeds (once; reused while the counts match) `--users` users and `--jobs` settled jobs spread
///    over `--days` days, five providers and four families, with bulk SQL: `users`, `jobs`, and
///    the `user_spend_daily` rollup computed from those jobs (the same rows the transfer
///    trigger would have written). The ledger tables are not seeded: the spend route reads only
///    `users` and the rollup.
/// 2. Starts the API in this process on a loopback port with a read token, or uses `--url`.
/// 3. Runs wrk (`apt-get install wrk`) for `--seconds` each:
///    - bare Hummingbird: a one-route hello-world server in this process (the framework's ceiling);
///    - framework floor: an unknown route (auth + routing + error JSON, no handler work);
///    - `GET /v1/quotes/cheapest` (in memory): requests/s and p99, and the ratio to the floor;
///    - `GET /v1/users/{id}/spend` over random users and 30-day to 1-year ranges: p99;
///    - the bare spend SQL under pgbench with the same clients: p99 from its per-transaction
///      log, the database's share of the route's latency.
struct APIBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "REST API throughput and latency under wrk, beside baselines.",
        discussion:
            "Needs wrk (apt-get install wrk). Uses $DATABASE_URL, or the embedded cluster's 'videoledger_bench_api' database."
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Users to seed.") var users = 10_000
    @Option(help: "Settled jobs to seed.") var jobs = 1_000_000
    @Option(help: "Days the seeded jobs spread over (ending today).") var days = 365
    @Option(help: "Seconds per wrk run.") var seconds = 10
    @Option(help: "wrk connections (and pgbench clients).") var connections = 32
    @Option(help: "wrk threads.") var threads = 2
    @Option(help: "Benchmark a running server at this base URL instead of starting one (needs --token).") var url:
        String?
    @Option(help: "Read token for --url.") var token: String?
    @Option(name: .customLong("pricing-dir")) var pricingDirectory: String?

    func validate() throws {
        guard (1...1_000_000).contains(users), (0...50_000_000).contains(jobs), (1...3_650).contains(days),
            (1...600).contains(seconds), (1...1_000).contains(connections), (1...64).contains(threads)
        else {
            throw ValidationError(
                "--users 1-1000000, --jobs 0-50000000, --days 1-3650, --seconds 1-600, --connections 1-1000, --threads 1-64"
            )
        }
        if url != nil && token == nil { throw ValidationError("--url needs --token") }
    }

    func run() async throws {
        let wrk = try Self.locate("wrk")
        let connectionString = try await database.connectionString(embeddedDatabase: "videoledger_bench_api")
        let pool = PostgresPool(.init(connectionString: connectionString, connectionsMax: database.poolSize))
        try await Migrator(pool: pool, directory: database.resolvedMigrationsDirectory).migrate()
        let seed = BenchSeed(users: users, jobs: jobs, days: days)
        let seeded = try await seed.ensure(pool)
        print(
            "Seed: \(users) users, \(jobs) settled jobs over \(days) days (\(seeded.rollupRows) rollup rows); "
                + (seeded.created ? "created in \(seeded.seconds) s." : "reused."))

        var servers: [InProcessServer] = []
        let baseURL: String
        let bearer: String
        /// The token this run created, revoked when it ends.
        var benchToken: String?
        /// The same API reading dashboards through a replica, when this run starts the API.
        var replicaBaseURL: String?
        var reads: PostgresReadRouter?
        if let url, let token {
            baseURL = url
            bearer = token
        } else {
            let catalog = try PricingDirectory.loadCatalog(pricingDirectory)
            let tokens = TokenStore(pool: pool)
            let name = "bench-api-\(UUID().uuidString.prefix(8))"
            bearer = try await tokens.create(name: name, scope: .read)
            benchToken = name
            func start(reads: PostgresReadRouter?) async throws -> String {
                let (server, url) = try await InProcessServer.api(pool: pool, catalog: catalog, reads: reads)
                servers.append(server)
                return url
            }
            baseURL = try await start(reads: nil)
            if let replicaURL = try await replicaConnectionString(primary: pool) {
                let router = PostgresReadRouter(
                    primary: pool,
                    replica: PostgresReadRouter.replicaPool(
                        connectionString: replicaURL, connectionsMax: database.poolSize),
                    configuration: .init(replicaLagMaxMilliseconds: try database.resolvedReplicaLagMaxMilliseconds()))
                reads = router
                replicaBaseURL = try await start(reads: router)
            }
        }
        let runner = WrkRunner(
            executable: wrk, baseURL: baseURL, token: bearer, seconds: seconds, connections: connections,
            threads: threads)
        print(
            "wrk: \(threads) threads, \(connections) connections, \(seconds) s per run, against \(baseURL) (\(ProcessInfo.processInfo.activeProcessorCount) cores)"
        )

        _ = try await runner.run(
            path: "/v1/quotes/cheapest?family=veo-3.1-fast&duration=8&resolution=1080p", warmUpOnly: true)
        let bare = try await BareHummingbirdServer.measure { baseURL in
            try await WrkRunner(
                executable: wrk, baseURL: baseURL, token: "", seconds: seconds, connections: connections,
                threads: threads
            )
            .run(path: "/")
        }
        let floor = try await runner.run(path: "/v1/bench-floor-no-such-route")
        let cheapest = try await runner.run(path: "/v1/quotes/cheapest?family=veo-3.1-fast&duration=8&resolution=1080p")
        let expected = try await runner.run(
            path: "/v1/quotes/cheapest?family=veo-3.1-fast&duration=8&resolution=1080p&rank=expected")
        let spend = try await runner.run(path: "/v1/users/u0/spend", script: Self.spendScript(users: users))
        var replicaSpend: WrkResult?
        if let replicaBaseURL {
            replicaSpend = try await WrkRunner(
                executable: wrk, baseURL: replicaBaseURL, token: bearer, seconds: seconds, connections: connections,
                threads: threads
            )
            .run(path: "/v1/users/u0/spend", script: Self.spendScript(users: users))
        }
        let sql = try await PgBenchLatency(connectionString: connectionString, clients: connections, seconds: seconds)
            .run(script: Self.spendSQLScript(users: users))

        print("")
        print(Self.row("bare Hummingbird: hello world", bare))
        print(Self.row("floor: unknown route (auth + 404 JSON)", floor) + Self.ratio(floor, to: bare))
        print(Self.row("GET /v1/quotes/cheapest", cheapest) + Self.ratio(cheapest, to: bare))
        print(Self.row("GET /v1/quotes/cheapest?rank=expected", expected) + Self.ratio(expected, to: bare))
        print(
            Self.row("GET /v1/users/{id}/spend", spend)
                + String(format: "   p99 %.2f× the bare SQL's", spend.p99Milliseconds / max(sql.p99Milliseconds, 0.001))
        )
        if let replicaSpend, let reads {
            print(
                Self.row("GET /v1/users/{id}/spend via the replica", replicaSpend)
                    + String(
                        format: "   %.2f× the primary-only req/s",
                        replicaSpend.requestsPerSecond / max(spend.requestsPerSecond, 1)))
            print("  read routing at the end: \(await reads.currentDecision())")
        } else {
            print("GET /v1/users/{id}/spend via the replica: not run (--url given)")
        }
        print(
            "bare spend SQL (pgbench, \(connections) clients)".padding(toLength: 44, withPad: " ", startingAt: 0)
                + String(
                    format: "%10.0f tx/s    p50 %7.2f ms   p99 %7.2f ms", sql.transactionsPerSecond,
                    sql.p50Milliseconds, sql.p99Milliseconds))
        print("")
        let cheapestGoal = cheapest.requestsPerSecond >= 20_000 ? "met" : "NOT met"
        let spendGoal = spend.p99Milliseconds < 20 ? "met" : "NOT met"
        let expectedGoal = expected.requestsPerSecond >= 0.8 * bare.requestsPerSecond ? "met" : "NOT met"
        print(
            "Goals: cheapest >= 20000 req/s: \(cheapestGoal) (" + String(format: "%.0f", cheapest.requestsPerSecond)
                + "); rank=expected >= 0.8x bare: \(expectedGoal) ("
                + String(format: "%.2f", expected.requestsPerSecond / max(bare.requestsPerSecond, 1))
                + "x); spend p99 < 20 ms: \(spendGoal) (" + String(format: "%.2f", spend.p99Milliseconds) + " ms).")
        let replicaNon2xx = replicaSpend?.non2xx ?? 0
        if cheapest.non2xx > 0 || expected.non2xx > 0 || spend.non2xx > 0 || replicaNon2xx > 0 {
            print(
                "WARNING: non-2xx responses: cheapest \(cheapest.non2xx), rank=expected \(expected.non2xx), spend \(spend.non2xx), spend via the replica \(replicaNon2xx)"
            )
        }
        if let benchToken { try await TokenStore(pool: pool).revoke(name: benchToken) }
        for server in servers { await server.stop() }
        await reads?.close()
        await pool.close()
    }

    /// The replica the "via the replica" run reads from: `DATABASE_READ_URL` (or
    /// `--database-read-url`) when given; else, on the embedded cluster, a standby of it in
    /// the folder beside it (`<embedded dir>-replica`), made with `pg_basebackup` on first use.
    /// Waits (at most 300 s) until it has replayed the seed. Nil with a `DATABASE_URL` and no
    /// read URL: there is no replica to measure.
    func replicaConnectionString(primary: PostgresPool) async throws -> String? {
        if let url = database.configuredReadURL { return url }
        guard database.configuredURL == nil else { return nil }
        let cluster = database.embeddedCluster(databaseName: "videoledger_bench_api")
        let standby = EmbeddedCluster(
            directory: cluster.directory + "-replica", port: cluster.port + 1, databaseName: cluster.databaseName)
        // The backup and the server start block: a thread of their own, not the cooperative pool.
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async { continuation.resume(with: Result { try standby.startStandby(of: cluster) }) }
        }
        let target: String = try await primary.withSession { session in
            try session.query("SELECT pg_current_wal_lsn()::text")[0].decode(0)
        }
        let replica = PostgresPool(.init(connectionString: standby.connectionString, connectionsMax: 1))
        defer { Task { await replica.close() } }
        let deadline = ContinuousClock.now + .seconds(300)
        while true {
            let caughtUp: Bool = try await replica.withSession { session in
                try session.query("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", [target])[0].decode(0)
            }
            if caughtUp { return standby.connectionString }
            guard ContinuousClock.now < deadline else {
                throw ValidationError(
                    "the replica in \(standby.directory) did not catch up within 300 s; stop it and remove the folder to make it afresh"
                )
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    static func ratio(_ result: WrkResult, to baseline: WrkResult) -> String {
        String(format: "   %.2f× bare req/s", result.requestsPerSecond / max(baseline.requestsPerSecond, 1))
    }

    static func row(_ name: String, _ result: WrkResult) -> String {
        name.padding(toLength: 44, withPad: " ", startingAt: 0)
            + String(
                format: "%10.0f req/s   p50 %7.2f ms   p99 %7.2f ms", result.requestsPerSecond, result.p50Milliseconds,
                result.p99Milliseconds)
    }

    /// wrk Lua: each request a random user and a random range of 30-366 days ending in the seed.
    static func spendScript(users: Int) -> String {
        spendScript(user: "\"u\" .. math.random(0, \(users) - 1)", lastDay: "os.time() - 86400")
    }

    /// wrk Lua for `GET /v1/users/{id}/spend`: `user` a Lua expression naming a random user,
    /// `lastDay` one giving the range's last day in epoch seconds; ranges of 30-366 days.
    ///
    /// With `pauseMillisecondsMean`, each connection waits a random 0 to twice that long before
    /// each request (wrk's `delay`), so `connections` of them offer about `connections × 1000 /
    /// pause` requests a second: a load the machine carries without a queue, where the p99 is
    /// the route's own and not the wait for a core.
    static func spendScript(user: String, lastDay: String, pauseMillisecondsMean: Int? = nil) -> String {
        let pause = pauseMillisecondsMean.map { "delay = function() return math.random(0, \(2 * $0)) end\n" } ?? ""
        return pause
            + """
            local token = os.getenv("VIDEOLEDGER_BENCH_TOKEN")
            math.randomseed(os.time())
            request = function()
              local span = math.random(30, 366)
              local last = \(lastDay)
              local groups = {"day", "provider", "family"}
              local path = "/v1/users/" .. \(user) .. "/spend?from=" .. os.date("!%Y-%m-%d", last - (span - 1) * 86400)
                .. "&to=" .. os.date("!%Y-%m-%d", last) .. "&group_by=" .. groups[math.random(1, 3)]
              return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
            end
            """
    }

    /// The route's statement (grouped by day, its largest answer), as pgbench runs it: prepared,
    /// like the route's.
    static func spendSQLScript(users: Int) -> String {
        spendSQLScript(userRange: "0, \(users) - 1", user: "'u' || :u::text", lastDay: "current_date - 1")
    }

    /// The same for any data set: `userRange` the pgbench random range, `user` the SQL naming
    /// user `:u`, `lastDay` the range's last day as SQL.
    static func spendSQLScript(userRange: String, user: String, lastDay: String) -> String {
        let statement = UserSpend.statement(.day)
            .replacingOccurrences(of: "$1", with: user)
            .replacingOccurrences(of: "$2::date", with: "(\(lastDay) - :span::int + 1)::date")
            .replacingOccurrences(of: "$3::date", with: "(\(lastDay))::date")
        return """
            \\set u random(\(userRange))
            \\set span random(30, 366)
            \(statement);
            """
    }

    static func locate(_ program: String) throws -> String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw ValidationError("\(program) not found on PATH: install it with `apt-get install \(program)`")
    }
}

/// Runs a blocking child process off Swift's cooperative pool (the in-process server needs it),
/// with the minimal environment (libpq's `PG*` settings kept) plus `environment`.
func runOffPool(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> String
{
    let childEnvironment = ChildProcess.minimalEnvironment(libpq: true).merging(environment) { _, given in given }
    return try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(
                with: Result {
                    try ChildProcess.run(executable, arguments, captureOutput: true, environment: childEnvironment)
                })
        }
    }
}
