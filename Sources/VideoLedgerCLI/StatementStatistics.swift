import Foundation
import Postgres

/// What PostgreSQL itself spent its time on during a benchmark run, from `pg_stat_statements`:
/// the benchmark's own clock sees only the answers, not which statement the server worked on.
/// Needs the library preloaded (`EmbeddedCluster` with `shared_preload_libraries`).
enum StatementStatistics {
    /// Creates the extension if needed and forgets everything counted so far.
    static func reset(_ pool: PostgresPool) async throws {
        try await pool.withSession { session in
            try session.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            try session.execute("SELECT pg_stat_statements_reset()")
            try session.execute("SELECT pg_stat_reset()")
        }
    }

    /// Prints the `count` statements with the most time, each with its calls per job, time per
    /// call and rows per call, and the share of all statements' time: those the service sent,
    /// then those run inside the ledger's functions; then the functions' own time.
    static func printTop(_ count: Int, _ pool: PostgresPool, per jobs: Int) async throws {
        try await printStatements(count, pool, per: jobs, topLevel: true)
        try await printStatements(count, pool, per: jobs, topLevel: false)
        try await printFunctions(count, pool, per: jobs)
    }

    private static func printStatements(_ count: Int, _ pool: PostgresPool, per jobs: Int, topLevel: Bool)
        async throws
    {
        let rows = try await pool.withSession { session in
            try session.query(
                """
                SELECT round(total_exec_time + total_plan_time)::bigint, calls, rows,
                       round(100 * (total_exec_time + total_plan_time)
                             / nullif(sum(total_exec_time + total_plan_time) OVER (), 0))::bigint,
                       round(total_plan_time)::bigint,
                       left(regexp_replace(query, '\\s+', ' ', 'g'), 150)
                FROM pg_stat_statements
                WHERE query NOT LIKE '%pg_stat_statements%' AND toplevel = $2
                ORDER BY total_exec_time + total_plan_time DESC LIMIT $1
                """, [Int64(count), topLevel])
        }
        print(
            "  \(topLevel ? "statements sent" : "statements inside functions") (pg_stat_statements, one-instance run; ms planning and running (of which planning), % of all, calls per job, ms per call, rows per call):"
        )
        for index in 0..<rows.count {
            let totalMilliseconds: Int64 = try rows[index].decode(0)
            let calls: Int64 = try rows[index].decode(1)
            let rowCount: Int64 = try rows[index].decode(2)
            let share: Int64 = try rows[index].decode(3)
            let planMilliseconds: Int64 = try rows[index].decode(4)
            let text: String = try rows[index].decode(5)
            print(
                String(
                    format: "    %8d ms (plan %6d) %3d%% %6.2f/job %7.3f ms %7.1f rows  ", totalMilliseconds,
                    planMilliseconds, share,
                    Double(calls) / Double(max(jobs, 1)), Double(totalMilliseconds) / Double(max(calls, 1)),
                    Double(rowCount) / Double(max(calls, 1))) + text)
        }
    }

    private static func printFunctions(_ count: Int, _ pool: PostgresPool, per jobs: Int) async throws {
        // Functions' own time (track_functions), which the statement view folds into the
        // statement that called them. Statistics reach the view when a backend goes idle.
        let functions = try await pool.withSession { session in
            try session.query(
                """
                SELECT funcname, calls, round(self_time)::bigint, round(total_time)::bigint
                FROM pg_stat_user_functions ORDER BY self_time DESC LIMIT $1
                """, [Int64(count)])
        }
        print("  functions (track_functions; calls per job, ms self time, ms total time):")
        for index in 0..<functions.count {
            let name: String = try functions[index].decode(0)
            let calls: Int64 = try functions[index].decode(1)
            let selfMilliseconds: Int64 = try functions[index].decode(2)
            let totalMilliseconds: Int64 = try functions[index].decode(3)
            print(
                String(
                    format: "    %6.2f/job %8d ms self %8d ms total  ", Double(calls) / Double(max(jobs, 1)),
                    selfMilliseconds, totalMilliseconds) + name)
        }
    }
}
