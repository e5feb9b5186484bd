import Basics
import Foundation
import Ledger
import Postgres

/// The report benchmark's data set, generated inside PostgreSQL (`INSERT … SELECT
/// generate_series`): nothing crosses the wire but the statements. At scale 1: 100,000 users,
/// about 3.9 million jobs and 10 million ledger transfers over the 30 days of April 2025 (and
/// as many per 30 days over `--history-months` months before it, for a journal of many months),
/// consistent the way the ledger functions would leave them — every job has a quote, a hold and
/// its transfers (hold; capture, release and excess on settlement; release whole on failure),
/// balances equal the sum of transfers, and provider balance snapshots close each day.
///
/// Bulk-load shortcuts, all undone before the data is used: secondary indexes are dropped and
/// rebuilt after the load, and foreign-key triggers are off for the session when the role may do
/// that (`session_replication_role = replica`; the rows are consistent by construction).
enum ReportBenchData {
    /// Bump when the generated data changes, so an older data set is regenerated.
    static let generatorVersion = 3
    static let usersAtScaleOne = 100_000
    static let transfersAtScaleOne = 10_000_000
    /// Average transfers per job of the mix below: 85 % settled (2.6 transfers), 15 % failed (2).
    static let transfersPerJobPerMille = 2_510
    static let reportMonthDays = 30
    static let reportMonth = CalendarDay(year: 2025, month: 4, day: 1)!
    static let reportDay = CalendarDay(year: 2025, month: 4, day: 30)!
    static let providers = ["aigate", "aimo", "nanogpt", "openai-videos", "venice"]
    static let tables = [
        "transfers", "holds", "jobs", "quotes", "ledger_operations", "provider_balance_snapshots", "user_spend_daily",
    ]

    struct Size: Sendable, Equatable {
        let users: Int
        let jobs: Int
        /// The first day with jobs: the report month's first, or `historyMonths` months before.
        let firstDay: CalendarDay

        /// Days from `firstDay` through the report day.
        var days: Int { Int(ReportBenchData.reportDay.daysSinceEpoch - firstDay.daysSinceEpoch) + 1 }
    }

    static func size(scale: Double, historyMonths: Int = 0) -> Size {
        let users = max(10, Int((Double(usersAtScaleOne) * scale).rounded()))
        let transfers = max(1_000, Int((Double(transfersAtScaleOne) * scale).rounded()))
        let perMonth = max(100, (transfers - users) * 1_000 / transfersPerJobPerMille)
        let firstDay = TransferMonths.month(reportMonth, adding: -historyMonths)
        let days = Int(reportDay.daysSinceEpoch - firstDay.daysSinceEpoch) + 1
        return Size(users: users, jobs: perMonth * days / reportMonthDays, firstDay: firstDay)
    }

    /// The data set already in the database, if it was made by this generator at this size.
    static func existing(_ session: PostgresSession, size: Size) throws -> Int64? {
        try session.execute(
            """
            CREATE TABLE IF NOT EXISTS bench_report_meta (
                generator integer NOT NULL, users bigint NOT NULL, jobs bigint NOT NULL, transfers bigint NOT NULL,
                generated_at timestamptz NOT NULL DEFAULT now())
            """)
        let rows = try session.query(
            "SELECT transfers FROM bench_report_meta WHERE generator = $1 AND users = $2 AND jobs = $3",
            [generatorVersion, size.users, size.jobs])
        return try rows.first?.decode(0)
    }

    /// Replaces the ledger's contents with a generated data set; returns the transfer count.
    /// `step` hears each step's name and seconds.
    static func generate(_ session: PostgresSession, size: Size, step: (String, Double) -> Void) throws -> Int64 {
        func timed(_ name: String, _ sql: String) throws {
            let clock = ContinuousClock()
            let start = clock.now
            try session.executeScript(sql)
            step(name, (clock.now - start).secondsValue)
        }
        try session.execute("SET maintenance_work_mem = '512MB'")
        try session.execute("SET work_mem = '256MB'")
        // Foreign-key checks off for this session when allowed (superuser); else they run.
        _ = try? session.execute("SET session_replication_role = replica")
        // One transaction up to VACUUM: a failed or interrupted run leaves the old data and its
        // indexes as they were.
        try session.execute("BEGIN")
        do {
            let transfers = try load(session, size: size, timed: timed)
            try session.execute("COMMIT")
            _ = try? session.execute("SET session_replication_role = origin")
            try timed(
                "vacuum analyze",
                "VACUUM (ANALYZE) users, accounts, ledger_operations, holds, transfers, quotes, jobs, provider_balance_snapshots, "
                    + "user_spend_daily"
            )
            return transfers
        } catch {
            _ = try? session.execute("ROLLBACK")
            _ = try? session.execute("SET session_replication_role = origin")
            throw error
        }
    }

    private static func load(_ session: PostgresSession, size: Size, timed: (String, String) throws -> Void) throws
        -> Int64
    {
        try session.execute("DELETE FROM bench_report_meta")
        try timed(
            "truncate",
            """
            TRUNCATE report_runs, provider_balance_snapshots, jobs, quotes, transfers, holds, ledger_operations, accounts, users,
                     ledger_archived_months
            RESTART IDENTITY CASCADE;
            SELECT ledger_ensure_transfer_months(date '\(size.firstDay)' - 1, date '\(reportDay)' + 1);
            SELECT ledger_ensure_months('user_spend_daily', date '\(size.firstDay)' - 1, date '\(reportDay)' + 1);
            """)

        var indexDefinitions: [String] = []
        for row in try session.query(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY ($1::text[]) AND t.relnamespace = 'public'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """, [tables])
        {
            let name: String = try row.decode(0)
            // A partitioned table's index reads `ON ONLY`, which would build it on no month.
            indexDefinitions.append(
                try row.decode(1, as: String.self).replacingOccurrences(of: " ON ONLY ", with: " ON "))
            try session.execute("DROP INDEX \(name)")
        }

        let users = size.users
        let jobs = size.jobs
        // Every user is funded the day before the first job.
        let topUpAt = "timestamptz '\(size.firstDay.adding(days: -1)!) 00:00:00+00'"
        let providerArray = "ARRAY[" + providers.map { "'\($0)'" }.joined(separator: ", ") + "]"
        try timed(
            "plan \(jobs) jobs",
            """
            DROP TABLE IF EXISTS bench_plan;
            -- A non-negative pseudo-random number per job and purpose: independent draws.
            CREATE FUNCTION pg_temp.hash(n bigint, purpose bigint) RETURNS bigint
            LANGUAGE sql IMMUTABLE AS $$ SELECT hashint8extended(n, purpose) & 9223372036854775807 $$;
            CREATE UNLOGGED TABLE bench_plan AS
            WITH base AS (
                SELECT n,
                       pg_temp.hash(n, 1) % \(users) + 1 AS user_index,
                       (n - 1) * \(size.days) / \(jobs) AS day,
                       50000 + pg_temp.hash(n, 4) % 4950 * 1000 AS quoted,
                       pg_temp.hash(n, 5) % 100 AS r,
                       pg_temp.hash(n, 6) % 10 AS r2
                FROM generate_series(1::bigint, \(jobs)::bigint) AS n
            ), shaped AS (
                SELECT n, user_index, 'u' || lpad(user_index::text, 6, '0') AS user_id,
                       (\(providerArray))[1 + pg_temp.hash(n, 2) % 5] AS provider,
                       (ARRAY['kling-v3-pro', 'veo-3.1-fast', 'wan-2.5', 'seedance-2.0'])[1 + pg_temp.hash(n, 3) % 4] AS family,
                       quoted,
                       CASE WHEN pg_temp.hash(n, 7) % 10 < 6 THEN quoted ELSE quoted - 7000 END AS cheapest,
                       CASE WHEN r >= 80 AND r < 95 THEN 'failed' WHEN r >= 95 AND day = \(size.days - 1) THEN 'open' ELSE 'completed' END AS outcome,
                       CASE WHEN r2 < 4 THEN quoted
                            WHEN r2 < 7 THEN quoted - (pg_temp.hash(n, 8) % 40 + 1) * 1000
                            ELSE quoted + (pg_temp.hash(n, 8) % 900 + 1) * 1000 END AS actual,
                       timestamptz '\(size.firstDay) 00:00:00+00' + make_interval(days => day::int, secs => (pg_temp.hash(n, 9) % 86000)::int) AS held_at
                FROM base
            )
            SELECT *, held_at + make_interval(secs => (60 + pg_temp.hash(n, 10) % 1800)::int) AS settled_at FROM shaped;
            """)
        try timed(
            "users and accounts",
            """
            INSERT INTO users (id, created_at)
            SELECT 'u' || lpad(i::text, 6, '0'), \(topUpAt) - interval '1 day' FROM generate_series(1, \(users)) AS i;
            INSERT INTO accounts (id, owner, kind, currency) VALUES (1, 'world', 'world', 'USD');
            INSERT INTO accounts (id, owner, kind, currency)
            SELECT 1 + k, 'provider:' || p, 'payable', 'USD' FROM unnest(\(providerArray)) WITH ORDINALITY AS t (p, k);
            INSERT INTO accounts (id, owner, kind, currency, user_id)
            SELECT 10 + 2 * i + side, 'user:u' || lpad(i::text, 6, '0'), CASE side WHEN 0 THEN 'available' ELSE 'held' END, 'USD',
                   'u' || lpad(i::text, 6, '0')
            FROM generate_series(1, \(users)) AS i, (VALUES (0), (1)) AS s (side);
            SELECT setval('accounts_id_seq', \(20 + 2 * users));
            """)
        try timed(
            "ledger operations",
            """
            INSERT INTO ledger_operations (key, kind, request, created_at)
            SELECT 'bench-topup-' || i, 'top_up', 'bench', \(topUpAt) FROM generate_series(1, \(users)) AS i;
            INSERT INTO ledger_operations (key, kind, request, created_at)
            SELECT 'bench-hold-' || n, 'hold', 'bench', held_at FROM bench_plan;
            INSERT INTO ledger_operations (key, kind, request, created_at)
            SELECT 'bench-settle-' || n, CASE outcome WHEN 'completed' THEN 'capture' ELSE 'release' END, 'bench', settled_at
            FROM bench_plan WHERE outcome <> 'open';
            """)
        try timed(
            "holds",
            """
            INSERT INTO holds (id, operation_key, user_id, currency, amount_micros, provider, job_id, state,
                               captured_micros, released_micros, excess_micros, shortfall_micros, created_at, resolved_at)
            SELECT n, 'bench-hold-' || n, user_id, 'USD', quoted, provider, md5('job' || n)::uuid,
                   CASE outcome WHEN 'open' THEN 'open' WHEN 'failed' THEN 'released' ELSE 'captured' END,
                   CASE WHEN outcome = 'completed' THEN least(actual, quoted) ELSE 0 END,
                   CASE outcome WHEN 'completed' THEN quoted - least(actual, quoted) WHEN 'failed' THEN quoted ELSE 0 END,
                   CASE WHEN outcome = 'completed' THEN greatest(actual - quoted, 0) ELSE 0 END,
                   0, held_at, CASE WHEN outcome = 'open' THEN NULL ELSE settled_at END
            FROM bench_plan;
            SELECT setval('holds_id_seq', \(jobs));
            """)
        try timed(
            "quotes and jobs",
            """
            INSERT INTO quotes (id, user_id, provider, provider_model, family, mode, duration_seconds, billed_seconds,
                                cost_micros, price_book_version, cheapest_cost_micros, created_at)
            SELECT md5('quote' || n)::uuid, user_id, provider, provider || '-model', family, 't2v', 5, 5, quoted, 'bench', cheapest, held_at
            FROM bench_plan;
            INSERT INTO jobs (id, user_id, origin, provider, provider_model, family, duration_seconds, quote_id, price_book_version,
                              quoted_micros, hold_id, provider_cost_micros, actual_micros, quote_error_micros, status,
                              created_at, finished_at, updated_at)
            SELECT md5('job' || n)::uuid, user_id, 'submit', provider, provider || '-model', family, 5, md5('quote' || n)::uuid, 'bench',
                   quoted, n,
                   CASE WHEN provider = 'nanogpt' AND outcome = 'completed' THEN actual END,
                   CASE WHEN outcome = 'completed' THEN actual END,
                   CASE WHEN outcome = 'completed' THEN actual - quoted END,
                   CASE outcome WHEN 'open' THEN 'running' ELSE outcome END,
                   held_at, CASE WHEN outcome = 'open' THEN NULL ELSE settled_at END, coalesce(settled_at, held_at)
            FROM bench_plan;
            """)
        try timed(
            "transfers",
            """
            INSERT INTO transfers (operation_key, kind, from_account_id, to_account_id, currency, amount_micros, hold_id, user_id, created_at)
            SELECT 'bench-topup-' || i, 'top_up', 1, 10 + 2 * i, 'USD', 10000000000, NULL, 'u' || lpad(i::text, 6, '0'),
                   \(topUpAt)
            FROM generate_series(1, \(users)) AS i;
            INSERT INTO transfers (operation_key, kind, from_account_id, to_account_id, currency, amount_micros, hold_id, user_id, created_at)
            SELECT v.key, v.kind, v.from_id, v.to_id, 'USD', v.amount, p.n, p.user_id, v.at
            FROM bench_plan p
            CROSS JOIN LATERAL (VALUES
                ('bench-hold-' || p.n, 'hold', 10 + 2 * p.user_index, 11 + 2 * p.user_index, p.quoted, p.held_at),
                ('bench-settle-' || p.n, 'capture', 11 + 2 * p.user_index, 1 + array_position(\(providerArray), p.provider),
                 CASE WHEN p.outcome = 'completed' THEN least(p.actual, p.quoted) ELSE 0 END, p.settled_at),
                ('bench-settle-' || p.n, 'release', 11 + 2 * p.user_index, 10 + 2 * p.user_index,
                 CASE p.outcome WHEN 'completed' THEN p.quoted - least(p.actual, p.quoted) WHEN 'failed' THEN p.quoted ELSE 0 END,
                 p.settled_at),
                ('bench-settle-' || p.n, 'excess', 10 + 2 * p.user_index, 1 + array_position(\(providerArray), p.provider),
                 CASE WHEN p.outcome = 'completed' THEN greatest(p.actual - p.quoted, 0) ELSE 0 END, p.settled_at)
            ) AS v (key, kind, from_id, to_id, amount, at)
            WHERE v.amount > 0;
            """)
        try timed(
            "balances",
            """
            UPDATE accounts a SET balance_micros = d.balance
            FROM (
                SELECT id, sum(delta)::bigint AS balance
                FROM (SELECT to_account_id AS id, amount_micros AS delta FROM transfers
                      UNION ALL SELECT from_account_id, -amount_micros FROM transfers) AS moves
                GROUP BY id
            ) AS d
            WHERE a.id = d.id;
            """)
        // One snapshot per provider at 23:30 each day (and the evening before the first day):
        // the balance falls by our charges up to that moment; venice also by 1.000000 a day of
        // unexplained drift, which the report's provider drift must show.
        try timed(
            "provider balance snapshots",
            """
            WITH charges AS (
                SELECT provider, ((settled_at AT TIME ZONE 'UTC') + interval '30 minutes' - interval '1 microsecond')::date AS bucket,
                       sum(actual) AS charged
                FROM bench_plan WHERE outcome = 'completed' GROUP BY 1, 2
            ), grid AS (
                SELECT p AS provider, d::date AS bucket
                FROM unnest(\(providerArray)) AS p,
                     generate_series(date '\(size.firstDay)' - 1, date '\(reportDay)', interval '1 day') AS d
            )
            INSERT INTO provider_balance_snapshots (provider, currency, balance_micros, source, taken_at)
            SELECT g.provider, 'USD',
                   (1000000000000 - sum(coalesce(c.charged, 0)) OVER w
                    - CASE WHEN g.provider = 'venice' THEN 1000000 * (g.bucket - (date '\(size.firstDay)' - 1)) ELSE 0 END)::bigint,
                   'bench', (g.bucket::timestamp + interval '23 hours 30 minutes') AT TIME ZONE 'UTC'
            FROM grid g LEFT JOIN charges c USING (provider, bucket)
            WINDOW w AS (PARTITION BY g.provider ORDER BY g.bucket);
            """)
        // What the spend rollup's trigger would have written had each settlement run for real
        // (triggers are off for the load): the capture and excess of each completed job.
        try timed(
            "spend rollup",
            """
            INSERT INTO user_spend_daily (user_id, day, provider, family, currency, spent_micros, jobs_count)
            SELECT user_id, (settled_at AT TIME ZONE 'UTC')::date, provider, family, 'USD', sum(actual), count(*)
            FROM bench_plan WHERE outcome = 'completed'
            GROUP BY 1, 2, 3, 4
            ORDER BY 2;
            DROP TABLE bench_plan;
            """)
        try timed("indexes", indexDefinitions.map { $0 + ";" }.joined(separator: "\n"))
        let transfers: Int64 = try session.query("SELECT count(*) FROM transfers")[0].decode(0)
        try session.execute(
            "INSERT INTO bench_report_meta (generator, users, jobs, transfers) VALUES ($1, $2, $3, $4)",
            [generatorVersion, users, jobs, transfers])
        return transfers
    }
}
