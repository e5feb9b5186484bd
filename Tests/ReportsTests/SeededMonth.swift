import Basics
import Foundation
import Ledger
import Money
import Postgres
import Reports
import TestSupport

/// A month of jobs (March 2025, plus a few in late February) built the real way — holds,
/// captures and releases through the ledger functions — then back-dated, with every amount also
/// kept here so tests know the totals independently of the report and of SQL.
///
/// Users: `alice`, `bob`, `erin` spend; `carol`'s jobs all fail (holds released, zero spend);
/// `dave` has holds still open at the end of the month. Some jobs are held before midnight and
/// settled after it, so holds are outstanding at the end of those days.
struct SeededMonth: Sendable {
    struct Job: Sendable {
        let id: UUID
        let userID: String
        let provider: String
        let family: String?
        let quotedMicros: Int64
        let cheapestMicros: Int64?
        /// nil: the job failed and its hold was released whole.
        let actualMicros: Int64?
        let providerCostMicros: Int64?
        let heldAt: Int64
        /// nil: the hold is still open.
        let settledAt: Int64?
        var holdID: Int64 = 0
    }

    static let month = CalendarDay(year: 2025, month: 3, day: 1)!
    static let providers = ["aigate", "aimo", "nanogpt", "openai-videos", "venice"]
    /// One family has CSV and HTML metacharacters, to prove the escaping end to end.
    static let families: [String?] = ["kling-v3-pro", "veo-3.1-fast", "wan-2.5", "seedance \"2.0\", <beta> & co", nil]
    static let spenders = ["alice", "bob", "erin"]

    let pool: PostgresPool
    let jobs: [Job]

    /// The day nanogpt's balance snapshots bracket: the March day (from the 2nd) on which most
    /// nanogpt jobs settle, so the drift is measured against real charges.
    var driftDay: CalendarDay {
        let days = (2...31).map { CalendarDay(year: 2025, month: 3, day: $0)! }
        return days.max { left, right in
            (settled(on: left).filter { $0.provider == "nanogpt" }.count, right.day)
                < (settled(on: right).filter { $0.provider == "nanogpt" }.count, left.day)
        }!
    }
    static let driftMicros: Int64 = 500_000

    static func make() async throws -> SeededMonth {
        let pool = try await TestDatabase.makePool(connectionsMax: 4)
        var random = SplitMix64(seed: 20_250_301)
        var jobs: [Job] = []
        let monthStart = Int64(month.daysSinceEpoch) * microsPerDay
        func job(_ user: String, heldAt: Int64, settleAfter: Int64?, fails: Bool) -> Job {
            let quoted = Int64(random.next(in: 50...4_000)) * 1_000
            let provider = providers[random.next(in: 0...(providers.count - 1))]
            let family = families[random.next(in: 0...(families.count - 1))]
            let actual: Int64?
            switch random.next(in: 0...9) {
            case 0...3: actual = quoted
            case 4...6: actual = quoted - Int64(random.next(in: 1...40)) * 1_000
            default: actual = quoted + Int64(random.next(in: 1...900)) * 1_000  // excess above the hold
            }
            let cheapest: Int64? =
                random.next(in: 0...9) < 6 ? quoted : (random.next(in: 0...9) == 0 ? nil : quoted - 7_000)
            return Job(
                id: UUID(), userID: user, provider: provider, family: family, quotedMicros: quoted,
                cheapestMicros: cheapest,
                actualMicros: fails ? nil : actual,
                providerCostMicros: provider == "nanogpt" && !fails ? actual : nil,
                heldAt: heldAt, settledAt: settleAfter.map { heldAt + $0 })
        }
        // Late February: outside the month, must not count month to date.
        for day in 0..<2 {
            let start = monthStart - Int64(2 - day) * microsPerDay
            jobs.append(
                job("alice", heldAt: start + 10 * microsPerHour, settleAfter: 5 * microsPerMinute, fails: false))
        }
        for day in 0..<31 {
            let start = monthStart + Int64(day) * microsPerDay
            for user in spenders {
                let count = random.next(in: 0...4)
                for _ in 0..<count {
                    let heldAt = start + Int64(random.next(in: 0...(23 * 60))) * microsPerMinute
                    jobs.append(
                        job(
                            user, heldAt: heldAt, settleAfter: Int64(random.next(in: 1...30)) * microsPerMinute,
                            fails: random.next(in: 0...9) == 0))
                }
                // Across midnight: held at 23:50, settled at 00:10 the next day.
                if day % 5 == 2 {
                    jobs.append(
                        job(
                            user, heldAt: start + 23 * microsPerHour + 50 * microsPerMinute,
                            settleAfter: 20 * microsPerMinute, fails: false))
                }
            }
            if day % 3 == 0 {
                jobs.append(
                    job("carol", heldAt: start + 9 * microsPerHour, settleAfter: 3 * microsPerMinute, fails: true))
            }
            if day >= 27 {
                jobs.append(job("dave", heldAt: start + 15 * microsPerHour, settleAfter: nil, fails: false))
            }
        }
        jobs = try await seed(pool: pool, jobs: jobs)
        return SeededMonth(pool: pool, jobs: jobs)
    }

    /// Writes users, top-ups, quotes, holds, jobs and settlements through the ledger functions,
    /// then back-dates every row to the job's times.
    static func seed(pool: PostgresPool, jobs: [Job]) async throws -> [Job] {
        try await pool.transaction { session in
            var seeded: [Job] = []
            for user in spenders + ["carol", "dave"] {
                try session.execute("INSERT INTO users (id) VALUES ($1)", [user])
                _ = try LedgerStatements.topUp(
                    session, key: "fund-\(user)", userID: user, amount: Money(micros: 10_000_000_000, currency: .usd))
            }
            try session.execute("UPDATE transfers SET created_at = '2025-01-15T00:00:00Z' WHERE kind = 'top_up'")
            for (index, job) in jobs.enumerated() {
                var job = job
                let quoteID = UUID()
                try session.execute(
                    """
                    INSERT INTO quotes (id, user_id, provider, provider_model, family, mode, duration_seconds, billed_seconds,
                                        cost_micros, price_book_version, cheapest_cost_micros, created_at)
                    VALUES ($1, $2, $3, 'model', $4, 't2v', 5, 5, $5, 'v1', $6, $7)
                    """,
                    [
                        quoteID, job.userID, job.provider, job.family, job.quotedMicros, job.cheapestMicros,
                        PostgresTimestamp(microsecondsSinceEpoch: job.heldAt),
                    ])
                job.holdID = try LedgerStatements.hold(
                    session, key: "hold-\(index)", userID: job.userID,
                    amount: Money(micros: job.quotedMicros, currency: .usd),
                    provider: job.provider, jobID: job.id)
                let status: String
                if job.settledAt == nil {
                    status = "running"
                } else if let actual = job.actualMicros {
                    _ = try LedgerStatements.capture(
                        session, key: "settle-\(index)", holdID: job.holdID, actualMicros: actual)
                    status = "completed"
                } else {
                    _ = try LedgerStatements.release(session, key: "settle-\(index)", holdID: job.holdID)
                    status = "failed"
                }
                try insertJob(session, job: job, quoteID: quoteID, status: status)
                try backdate(session, job: job)
                seeded.append(job)
            }
            // Back-dating moved spend to other days than the rollup recorded at settlement.
            _ = try session.query("SELECT dashboard_rebuild_spend_rollup('2025-01-01', current_date)")
            return seeded
        }
    }

    static func insertJob(_ session: PostgresSession, job: Job, quoteID: UUID?, status: String) throws {
        let finishedAt = job.settledAt.map { PostgresTimestamp(microsecondsSinceEpoch: $0) }
        try session.execute(
            """
            INSERT INTO jobs (id, user_id, origin, provider, provider_model, family, duration_seconds, quote_id,
                              price_book_version, quoted_micros, hold_id, provider_cost_micros, actual_micros,
                              quote_error_micros, status, created_at, finished_at)
            VALUES ($1, $2, 'submit', $3, 'model', $4, 5, $5, 'v1', $6, $7, $8, $9, $10, $11, $12, $13)
            """,
            [
                job.id, job.userID, job.provider, job.family, quoteID, job.quotedMicros, job.holdID,
                job.providerCostMicros,
                job.actualMicros, job.actualMicros.map { $0 - job.quotedMicros }, status,
                PostgresTimestamp(microsecondsSinceEpoch: job.heldAt), status == "running" ? nil : finishedAt,
            ])
    }

    static func backdate(_ session: PostgresSession, job: Job) throws {
        let heldAt = PostgresTimestamp(microsecondsSinceEpoch: job.heldAt)
        let settledAt = job.settledAt.map { PostgresTimestamp(microsecondsSinceEpoch: $0) }
        try session.execute(
            "UPDATE transfers SET created_at = $2 WHERE hold_id = $1 AND kind = 'hold'", [job.holdID, heldAt])
        try session.execute(
            "UPDATE transfers SET created_at = $2 WHERE hold_id = $1 AND kind <> 'hold'", [job.holdID, settledAt])
        try session.execute(
            "UPDATE holds SET created_at = $2, resolved_at = CASE WHEN state = 'open' THEN NULL ELSE $3::timestamptz END WHERE id = $1",
            [job.holdID, heldAt, settledAt])
    }

    // MARK: - Expected figures, from the jobs alone

    static let microsPerMinute: Int64 = 60_000_000
    static let microsPerHour: Int64 = 60 * microsPerMinute
    static let microsPerDay: Int64 = 24 * microsPerHour

    static func bounds(_ day: CalendarDay) -> (starts: Int64, ends: Int64) {
        let starts = Int64(day.daysSinceEpoch) * microsPerDay
        return (starts, starts + microsPerDay)
    }

    /// Spend settled in [from, to) per user.
    func spend(from: Int64, to: Int64, user: String? = nil) -> Int64 {
        jobs.filter { job in
            guard let settled = job.settledAt, job.actualMicros != nil else { return false }
            return settled >= from && settled < to && (user == nil || job.userID == user)
        }.reduce(0) { $0 + $1.actualMicros! }
    }

    func daySpend(_ day: CalendarDay, user: String? = nil) -> Int64 {
        let (starts, ends) = Self.bounds(day)
        return spend(from: starts, to: ends, user: user)
    }

    func monthToDateSpend(_ day: CalendarDay, user: String? = nil) -> Int64 {
        spend(from: Self.bounds(day.firstOfMonth).starts, to: Self.bounds(day).ends, user: user)
    }

    /// Held at the end of the day: held before it ends, and settled after it (or never).
    func heldAtEnd(of day: CalendarDay, user: String? = nil) -> Int64 {
        let ends = Self.bounds(day).ends
        return jobs.filter { job in
            job.heldAt < ends && (job.settledAt.map { $0 >= ends } ?? true) && (user == nil || job.userID == user)
        }.reduce(0) { $0 + $1.quotedMicros }
    }

    func settled(on day: CalendarDay) -> [Job] {
        let (starts, ends) = Self.bounds(day)
        return jobs.filter { job in
            guard let settled = job.settledAt, job.actualMicros != nil else { return false }
            return settled >= starts && settled < ends
        }
    }

    /// The two snapshots: an hour before `driftDay` starts, and half an hour before it ends.
    var driftSnapshotTimes: (opening: Int64, closing: Int64) {
        let (starts, ends) = Self.bounds(driftDay)
        return (starts - Self.microsPerHour, ends - 30 * Self.microsPerMinute)
    }

    /// Our nanogpt charges after the opening snapshot up to the closing one.
    var driftWindowCharges: Int64 {
        let (opening, closing) = driftSnapshotTimes
        return jobs.filter { job in
            guard job.provider == "nanogpt", let settled = job.settledAt, job.actualMicros != nil else { return false }
            return settled > opening && settled <= closing
        }.reduce(0) { $0 + $1.actualMicros! }
    }

    /// Adds provider balance snapshots for nanogpt around `driftDay`: the drop between them is
    /// our charges in between plus `driftMicros`.
    func addDriftSnapshots() async throws {
        let (opening, closing) = driftSnapshotTimes
        let charged = driftWindowCharges
        try await pool.withSession { session in
            let sql =
                "INSERT INTO provider_balance_snapshots (provider, currency, balance_micros, source, taken_at) VALUES ('nanogpt', 'USD', $1, 'test', $2)"
            try session.execute(sql, [Int64(100_000_000), PostgresTimestamp(microsecondsSinceEpoch: opening)])
            try session.execute(
                sql,
                [Int64(100_000_000) - charged - Self.driftMicros, PostgresTimestamp(microsecondsSinceEpoch: closing)])
        }
    }
}

extension SeededMonth {
    static func microsPerDayStart(_ day: CalendarDay) -> Int64 { bounds(day).starts }
}

/// A small deterministic generator, so the seeded month is the same on every run.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}
