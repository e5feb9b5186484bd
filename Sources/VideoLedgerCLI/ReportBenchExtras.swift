import API
import Foundation
import Postgres
import Pricing

/// What `bench report` measures besides the report on its generated data set: the dashboard's
/// spend route at that size (so runs at different sizes compare), and what a settled job costs
/// on disk.
enum ReportBenchExtras {
    /// `GET /v1/users/{id}/spend` under wrk against the API in this process, beside the route's
    /// bare statement under pgbench with as many clients, both over the data set's users and
    /// ranges of 30-366 days ending on the report day: as fast as they go, and, with
    /// `ratePerSecond`, again at that offered rate.
    static func measureSpend(
        connection: String, users: Int, seconds: Int, connections: Int, poolSize: Int, ratePerSecond: Int?
    ) async throws {
        let wrk = try APIBenchCommand.locate("wrk")
        let pool = PostgresPool(.init(connectionString: connection, connectionsMax: poolSize))
        let tokens = TokenStore(pool: pool)
        let name = "bench-report-\(UUID().uuidString.prefix(8))"
        let token = try await tokens.create(name: name, scope: .read)
        let (server, baseURL) = try await InProcessServer.api(
            pool: pool, catalog: try PricingDirectory.loadCatalog(nil), reads: nil)
        let lastDay = Int64(ReportBenchData.reportDay.daysSinceEpoch) * 86_400
        let runner = WrkRunner(
            executable: wrk, baseURL: baseURL, token: token, seconds: seconds, connections: connections, threads: 2)
        let user = "string.format(\"u%06d\", math.random(1, \(users)))"
        let sqlScript = APIBenchCommand.spendSQLScript(
            userRange: "1, \(users)", user: "'u' || lpad(:u::text, 6, '0')",
            lastDay: "date '\(ReportBenchData.reportDay)'")
        let script = APIBenchCommand.spendScript(user: user, lastDay: "\(lastDay)")
        _ = try await runner.run(path: "/v1/users/u000001/spend", script: script, warmUpOnly: true)
        let spend = try await runner.run(path: "/v1/users/u000001/spend", script: script)
        let sql = try await PgBenchLatency(connectionString: connection, clients: connections, seconds: seconds)
            .run(script: sqlScript)
        printSpend(spend, sql, load: "\(connections) clients")
        if let ratePerSecond {
            let paced = APIBenchCommand.spendScript(
                user: user, lastDay: "\(lastDay)", pauseMillisecondsMean: connections * 1_000 / ratePerSecond)
            let spend = try await runner.run(path: "/v1/users/u000001/spend", script: paced)
            let sql = try await PgBenchLatency(
                connectionString: connection, clients: connections, seconds: seconds, ratePerSecond: ratePerSecond
            ).run(script: sqlScript)
            printSpend(spend, sql, load: "\(ratePerSecond)/s offered")
        }
        try await tokens.revoke(name: name)
        await server.stop()
        await pool.close()
    }

    private static func printSpend(_ spend: WrkResult, _ sql: PgBenchLatency.Result, load: String) {
        print(
            APIBenchCommand.row("GET /v1/users/{id}/spend, \(load)", spend)
                + String(format: "   p99 %.2f× the bare SQL's", spend.p99Milliseconds / max(sql.p99Milliseconds, 0.001))
        )
        print(
            "bare spend SQL (pgbench, \(load))".padding(toLength: 44, withPad: " ", startingAt: 0)
                + String(
                    format: "%10.0f tx/s    p50 %7.2f ms   p99 %7.2f ms", sql.transactionsPerSecond,
                    sql.p50Milliseconds, sql.p99Milliseconds))
        if spend.non2xx > 0 { print("WARNING: \(spend.non2xx) non-2xx spend responses") }
    }

    /// Bytes on disk (tables, TOAST and indexes; every month of a partitioned table) per settled job:
    /// the job's own row and its transfers, the goal's measure, then what else each job keeps.
    static func printBytesPerSettledJob(_ pool: PostgresPool) async throws {
        let (settled, sizes) = try await pool.withSession { session -> (Int64, [(String, Int64)]) in
            let settled: Int64 = try session.query("SELECT count(*) FROM jobs WHERE finished_at IS NOT NULL")[0]
                .decode(0)
            let sizes = try session.query(
                """
                SELECT name, (SELECT sum(pg_total_relation_size(part))::bigint FROM (
                                  SELECT name::regclass UNION ALL
                                  SELECT inhrelid FROM pg_inherits WHERE inhparent = name::regclass) parts (part)) AS bytes
                FROM unnest(ARRAY['jobs', 'transfers', 'holds', 'ledger_operations', 'quotes', 'user_spend_daily'])
                     WITH ORDINALITY AS t (name, position)
                ORDER BY position
                """
            ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: Int64.self)) }
            return (settled, sizes)
        }
        guard settled > 0 else { return }
        func perJob(_ bytes: Int64) -> String { String(format: "%.0f", Double(bytes) / Double(settled)) }
        let own = sizes.prefix(2).reduce(0) { $0 + $1.1 }
        let all = sizes.reduce(0) { $0 + $1.1 }
        print(
            "bytes per settled job (\(settled) settled): job row + its transfers, with indexes \(perJob(own)) (goal ≤ 1024); "
                + sizes.map { "\($0.0) \(perJob($0.1))" }.joined(separator: ", ") + "; everything \(perJob(all))")
    }
}
