import ArgumentParser
import Foundation
import Postgres

/// The API benchmark's data: users `u0…`, settled jobs, and their spend rollup, written with
/// set-based SQL (about a minute per million jobs on two cores).
struct BenchSeed {
    let users: Int
    let jobs: Int
    let days: Int

    struct Outcome {
        let created: Bool
        let seconds: Int
        let rollupRows: Int64
    }

    /// Seeds unless a previous run left exactly this seed (recorded in `bench_api_seed`).
    func ensure(_ pool: PostgresPool) async throws -> Outcome {
        let (users, jobs, days) = (self.users, self.jobs, self.days)
        let start = ContinuousClock.now
        let created = try await pool.withSession { session -> Bool in
            try session.execute("CREATE TABLE IF NOT EXISTS bench_api_seed (users int, jobs int, days int)")
            let recorded = try session.query("SELECT users, jobs, days FROM bench_api_seed")
            if recorded.count == 1, try recorded[0].decode(0, as: Int.self) == users,
                try recorded[0].decode(1, as: Int.self) == jobs,
                try recorded[0].decode(2, as: Int.self) == days
            {
                return false
            }
            try session.transaction { session in
                try session.execute("DELETE FROM bench_api_seed")
                try session.execute("DELETE FROM user_spend_daily WHERE user_id LIKE 'u%'")
                try session.execute("DELETE FROM jobs WHERE user_id LIKE 'u%' AND price_book_version = 'bench-api'")
                try session.execute(
                    "INSERT INTO users (id) SELECT 'u' || g FROM generate_series(0, $1::int - 1) g ON CONFLICT DO NOTHING",
                    [users])
                // Job g: user g mod users, provider and family cycling, created at a random time in
                // the last `days` days, settled 20-300 s later for 0.05-5.00 USD.
                try session.execute(
                    """
                    INSERT INTO jobs (id, user_id, origin, provider, provider_model, family, duration_seconds, resolution, variants,
                                      price_book_version, quoted_micros, actual_micros, quote_error_micros, billed_seconds, status,
                                      created_at, finished_at)
                    SELECT gen_random_uuid(), 'u' || (g % $1::int), 'submit',
                           (ARRAY['aimo','openai-videos','venice','nanogpt','aigate'])[1 + g % 5], 'bench-model',
                           (ARRAY['veo-3.1-fast','kling-v3-pro','wan-2.5','seedance-2.0'])[1 + (g / 5) % 4], 8, '1080p', 1,
                           'bench-api', q, q + (g % 7) - 3, (g % 7) - 3, 8, 'completed', t, t + make_interval(secs => 20 + g % 280)
                    FROM (SELECT g, 50000 + (g::bigint * 7919) % 4950000 AS q,
                                 now() - make_interval(secs => (random() * ($3::int * 86400 - 400))::int + 400) AS t
                          FROM generate_series(0, $2::int - 1) g) s
                    """, [users, jobs, days])
                // The rollup's month tables, as serve would have made them month by month.
                _ = try session.query(
                    "SELECT ledger_ensure_months('user_spend_daily', current_date - $1::int, current_date)", [days])
                try session.execute(
                    """
                    INSERT INTO user_spend_daily (user_id, day, provider, family, currency, spent_micros, jobs_count)
                    SELECT user_id, (finished_at AT TIME ZONE 'UTC')::date, provider, family, currency, sum(actual_micros), count(*)
                    FROM jobs WHERE price_book_version = 'bench-api' GROUP BY 1, 2, 3, 4, 5
                    """)
                try session.execute("INSERT INTO bench_api_seed VALUES ($1, $2, $3)", [users, jobs, days])
            }
            try session.execute("VACUUM ANALYZE user_spend_daily")
            try session.execute("VACUUM ANALYZE jobs")
            return true
        }
        let rollupRows = try await pool.withSession {
            try $0.query("SELECT count(*) FROM user_spend_daily")[0].decode(0, as: Int64.self)
        }
        return Outcome(
            created: created, seconds: Int((ContinuousClock.now - start).components.seconds), rollupRows: rollupRows)
    }
}

struct WrkResult {
    var requestsPerSecond: Double
    var p50Milliseconds: Double
    var p99Milliseconds: Double
    var non2xx: Int
}

/// wrk with `--latency`, parsed: requests/s, p50, p99 and non-2xx responses.
struct WrkRunner {
    let executable: String
    let baseURL: String
    let token: String
    let seconds: Int
    let connections: Int
    let threads: Int

    func run(path: String, script: String? = nil, warmUpOnly: Bool = false) async throws -> WrkResult {
        var arguments = [
            "-t", String(threads), "-c", String(connections), "-d", "\(warmUpOnly ? 2 : seconds)s", "--latency",
        ]
        var scriptPath: String?
        if let script {
            let file = NSTemporaryDirectory() + "videoledger-wrk-\(UUID().uuidString).lua"
            try script.write(toFile: file, atomically: true, encoding: .utf8)
            scriptPath = file
            arguments += ["-s", file]
        } else {
            arguments += ["-H", "Authorization: Bearer \(token)"]
        }
        defer { if let scriptPath { try? FileManager.default.removeItem(atPath: scriptPath) } }
        let output = try await runOffPool(
            executable, arguments + [baseURL + path], environment: ["VIDEOLEDGER_BENCH_TOKEN": token])
        return try Self.parse(output)
    }

    static func parse(_ output: String) throws -> WrkResult {
        func duration(_ text: Substring) -> Double? {
            let units: [(String, Double)] = [("us", 0.001), ("ms", 1), ("s", 1_000), ("m", 60_000)]
            for (suffix, scale) in units where text.hasSuffix(suffix) {
                if let value = Double(text.dropLast(suffix.count)) { return value * scale }
            }
            return nil
        }
        var result = WrkResult(requestsPerSecond: 0, p50Milliseconds: 0, p99Milliseconds: 0, non2xx: 0)
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first == "Requests/sec:", fields.count > 1 { result.requestsPerSecond = Double(fields[1]) ?? 0 }
            if first == "50%", fields.count > 1 { result.p50Milliseconds = duration(fields[1]) ?? 0 }
            if first == "99%", fields.count > 1 { result.p99Milliseconds = duration(fields[1]) ?? 0 }
            if line.contains("Non-2xx or 3xx responses:"), let last = fields.last { result.non2xx = Int(last) ?? 0 }
        }
        guard result.requestsPerSecond > 0 else { throw ValidationError("could not read wrk's output:\n\(output)") }
        return result
    }
}

/// pgbench with per-transaction logging, for latency percentiles of bare SQL.
struct PgBenchLatency {
    let connectionString: String
    let clients: Int
    let seconds: Int
    /// Transactions a second offered on a schedule (`pgbench --rate`), or nil for as many as
    /// the clients can run. Latency is then measured from each transaction's scheduled start.
    var ratePerSecond: Int? = nil

    struct Result {
        let transactionsPerSecond: Double
        let p50Milliseconds: Double
        let p99Milliseconds: Double
    }

    func run(script: String) async throws -> Result {
        let directory = NSTemporaryDirectory() + "videoledger-pgbench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scriptPath = directory + "/spend.sql"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let executable = try EmbeddedCluster.serverTools() + "/pgbench"
        let prefix = directory + "/log"
        let output = try await runOffPool(
            executable,
            [
                "-n", "-M", "prepared", "-c", String(clients), "-j", "2", "-T", String(seconds), "-l", "--log-prefix",
                prefix, "-f", scriptPath,
            ] + (ratePerSecond.map { ["--rate", String($0)] } ?? []) + [connectionString])
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let tps = Double(line.dropFirst(6).prefix { $0 != " " })
        else { throw ValidationError("could not read pgbench's tps from: \(output)") }
        // Log lines: client_id transaction_no time_us script_no time_epoch time_us_part, and
        // schedule_lag_us under --rate (time_us then counts from the scheduled start).
        var latencies: [Double] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasPrefix("log") {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            for entry in text.split(separator: "\n") {
                let fields = entry.split(separator: " ")
                if fields.count > 2, let micros = Double(fields[2]) { latencies.append(micros / 1_000) }
            }
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            return latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.down)))]
        }
        return Result(transactionsPerSecond: tps, p50Milliseconds: percentile(0.5), p99Milliseconds: percentile(0.99))
    }
}
