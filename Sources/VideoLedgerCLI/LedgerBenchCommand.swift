import ArgumentParser
import Basics
import Dispatch
import Foundation
import Jobs
import Ledger
import Money
import Postgres

/// `videoledger bench ledger`: ledger operations per second from the Swift pool, beside
/// `pgbench` running the same SQL against the same server in the same run.
///
/// Three workloads, each for `--seconds`:
/// - hold: one `ledger_hold` per transaction, `--clients` concurrent callers;
/// - settle: a hold then its capture for 70% (capture + release of the rest), as two transactions;
/// - batched holds: `--callers` concurrent callers through `HoldBatcher` (group commit), beside
///   pgbench calling `ledger_hold_batch` with 100 holds per transaction.
struct LedgerBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Ledger operations per second beside pgbench.",
        discussion: "Uses $DATABASE_URL, or the embedded cluster's 'videoledger_bench' database. Writes bench-* users.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Concurrent callers for the per-transaction workloads (pgbench clients too).") var clients = 8
    @Option(help: "Concurrent callers for the batched workload.") var callers = 512
    @Option(help: "Seconds per workload.") var seconds = 10
    @Option(help: "Users holds are spread over.") var users = 1_000

    func run() async throws {
        guard (1...256).contains(clients), (1...10_000).contains(callers), (1...600).contains(seconds),
            (1...1_000_000).contains(users)
        else { throw ValidationError("--clients 1-256, --callers 1-10000, --seconds 1-600, --users 1-1000000") }
        let connectionString = try await database.connectionString(embeddedDatabase: "videoledger_bench")
        let pool = PostgresPool(.init(connectionString: connectionString, connectionsMax: clients))
        try await Migrator(pool: pool, directory: database.resolvedMigrationsDirectory).migrate()
        try await seedUsers(pool)
        let ledger = Ledger(pool: pool)
        let pgbench = try PgBench(connectionString: connectionString, clients: clients, seconds: seconds, users: users)
        let run = UUID().uuidString.prefix(8)

        print("Ledger benchmark: \(clients) clients, \(seconds) s per workload, \(users) users; synchronous_commit on.")
        let swiftHolds = try await measure(concurrency: clients) { worker, index in
            let user = "bench-\(Int.random(in: 0..<users))"
            _ = try await ledger.hold(
                key: "sw-\(run)-h-\(worker)-\(index)", userID: user, amount: Self.amount, provider: "bench")
        }
        let pgHolds = try pgbench.run(script: PgBench.holdScript)
        report("hold (1 per transaction)", swift: swiftHolds, pgbench: pgHolds, unit: "holds/s")

        let swiftSettles = try await measure(concurrency: clients) { worker, index in
            let user = "bench-\(Int.random(in: 0..<users))"
            let holdID = try await ledger.hold(
                key: "sw-\(run)-s-\(worker)-\(index)", userID: user, amount: Self.amount, provider: "bench")
            _ = try await ledger.capture(key: "sw-\(run)-c-\(worker)-\(index)", holdID: holdID, actualMicros: 700)
        }
        let pgSettles = try pgbench.run(script: PgBench.settleScript)
        report("hold + capture/release (2 transactions)", swift: swiftSettles, pgbench: pgSettles, unit: "cycles/s")

        let batcher = HoldBatcher(pool: pool, configuration: .init(batchSizeMax: 200, batchesInFlightMax: clients))
        let swiftBatched = try await measure(concurrency: callers) { worker, index in
            let user = "bench-\(Int.random(in: 0..<users))"
            _ = try await batcher.hold(
                .init(key: "sw-\(run)-b-\(worker)-\(index)", userID: user, amount: Self.amount, provider: "bench"))
        }
        let pgBatched = try pgbench.run(script: PgBench.batchScript) * 100
        report("holds with group commit (batched)", swift: swiftBatched, pgbench: pgBatched, unit: "holds/s")

        let violations = try await LedgerInvariants(pool: pool).run(adding: JobInvariants.checks).filter { !$0.passed }
        print(
            violations.isEmpty
                ? "Ledger invariants hold after the run." : "INVARIANT VIOLATIONS: \(violations.map(\.check.name))")
        await pool.close()
        print("Re-run: videoledger bench ledger --clients \(clients) --seconds \(seconds)")
    }

    static let amount = Money(micros: 1_000, currency: .usd)

    private func seedUsers(_ pool: PostgresPool) async throws {
        let count = users
        try await pool.withSession { session in
            try session.execute(
                "INSERT INTO users (id) SELECT 'bench-' || g FROM generate_series(0, $1::int - 1) g ON CONFLICT DO NOTHING",
                [count])
            try session.execute(
                "SELECT ledger_top_up('bench-fund-' || g, 'bench-' || g, 'USD', 1000000000000) FROM generate_series(0, $1::int - 1) g",
                [count])
        }
    }

    /// Runs `operation` from `concurrency` tasks for `seconds`; returns completed operations/s.
    private func measure(
        concurrency: Int, _ operation: @escaping @Sendable (_ worker: Int, _ index: Int) async throws -> Void
    ) async throws -> Double {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds)
        let start = clock.now
        let completed = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var index = 0
                    while clock.now < deadline {
                        try await operation(worker, index)
                        index += 1
                    }
                    return index
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = clock.now - start
        return Double(completed) / elapsed.secondsValue
    }

    private func report(_ name: String, swift: Double, pgbench: Double, unit: String) {
        let ratio = pgbench > 0 ? swift / pgbench : 0
        let padded = name.padding(toLength: 42, withPad: " ", startingAt: 0)
        print(
            padded + String(format: " swift %9.0f", swift) + " \(unit)   " + String(format: "pgbench %9.0f", pgbench)
                + " \(unit)   " + String(format: "ratio %.2f×", ratio))
    }
}

/// pgbench with the same ledger SQL, for the baseline.
struct PgBench {
    let executable: String
    let connectionString: String
    let clients: Int
    let seconds: Int
    let users: Int

    init(connectionString: String, clients: Int, seconds: Int, users: Int) throws {
        self.executable = try EmbeddedCluster.serverTools() + "/pgbench"
        self.connectionString = connectionString
        self.clients = clients
        self.seconds = seconds
        self.users = users
    }

    static let holdScript = """
        \\set u random(0, :users - 1)
        \\set k random(1, 9000000000000000000)
        SELECT ledger_hold('pg-h-' || :client_id || '-' || :k, 'bench-' || :u, 'USD', 1000, 'bench', NULL);
        """

    static let settleScript = """
        \\set u random(0, :users - 1)
        \\set k random(1, 9000000000000000000)
        SELECT ledger_hold('pg-s-' || :client_id || '-' || :k, 'bench-' || :u, 'USD', 1000, 'bench', NULL) AS hold_id \\gset
        SELECT state FROM ledger_capture('pg-c-' || :client_id || '-' || :k, :hold_id, 700);
        """

    static let batchScript = """
        \\set u random(0, :users - 1)
        \\set k random(1, 9000000000000000000)
        SELECT count(*) FROM ledger_hold_batch(
            ARRAY(SELECT 'pg-b-' || :client_id || '-' || :k || '-' || g FROM generate_series(1, 100) g),
            ARRAY(SELECT 'bench-' || ((:u + g * 7) % :users) FROM generate_series(1, 100) g),
            array_fill('USD'::text, ARRAY[100]), array_fill(1000::bigint, ARRAY[100]),
            array_fill('bench'::text, ARRAY[100]), array_fill(NULL::uuid, ARRAY[100]));
        """

    /// Runs pgbench with `script` and returns its transactions per second.
    func run(script: String) throws -> Double {
        let path = NSTemporaryDirectory() + "videoledger-pgbench-\(UUID().uuidString).sql"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try ChildProcess.run(
            executable,
            [
                "-n", "-c", String(clients), "-j", String(min(2, clients)), "-T", String(seconds), "-D",
                "users=\(users)", "-f", path, connectionString,
            ], captureOutput: true, environment: ChildProcess.minimalEnvironment(libpq: true))
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let value = Double(line.dropFirst(6).prefix { $0 != " " })
        else { throw ValidationError("could not read pgbench's tps from: \(output)") }
        return value
    }
}
