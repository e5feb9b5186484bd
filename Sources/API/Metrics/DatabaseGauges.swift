import Metrics
import Postgres
import Pricing
import ProviderRegistry
import Synchronization

/// Gauges read from PostgreSQL when `/metrics` is scraped: ledger balances by account kind,
/// open holds, active jobs by status (the held states `unknown` and `stalled` among them),
/// recorded shortfalls, and each provider's jobs and errors over the last hour.
///
/// Each statement is bounded (grouped sums over `accounts`, a partial index for open holds and
/// active jobs, one hour of `jobs_by_time`), and the readings are reused for
/// `refreshMillisecondsMin`, so scrapers polling fast or in numbers cost at most one refresh per
/// interval. When the database cannot be read, `videoledger_database_up` drops to 0 and the rest
/// keep their last values; the scrape still answers.
final class DatabaseGauges: Sendable {
    static let refreshMillisecondsMin = 5_000
    static let accountKinds = ["available", "held", "payable", "world"]
    static let currencies = ["USD", "XNO", "USDC"]
    static let activeStatuses = ["submitting", "queued", "running", "unknown", "stalled"]
    /// Statuses counted as a provider error in `videoledger_provider_errors_last_hour`.
    static let errorStatuses: Set<String> = ["failed", "expired", "unknown"]

    struct Reading: Sendable {
        var balances: [String: Int64] = [:]
        var openHolds: [String: (count: Int64, micros: Int64)] = [:]
        var activeJobs: [String: Int64] = [:]
        var recentJobs: [String: Int64] = [:]
        var shortfalls: [String: (count: Int64, micros: Int64)] = [:]
    }

    static let balancesSQL = "SELECT kind, currency, sum(balance_micros)::bigint FROM accounts GROUP BY 1, 2"
    static let openHoldsSQL = "SELECT currency, count(*), coalesce(sum(amount_micros), 0)::bigint FROM holds WHERE state = 'open' GROUP BY 1"
    static let activeJobsSQL = "SELECT status, count(*) FROM jobs WHERE status = ANY($1::text[]) GROUP BY 1"
    /// Over the partial index of holds with a shortfall: few rows, however large the ledger.
    static let shortfallsSQL = "SELECT currency, count(*), sum(shortfall_micros)::bigint FROM holds WHERE shortfall_micros > 0 GROUP BY 1"
    static let recentJobsSQL = "SELECT provider, status, count(*) FROM jobs WHERE created_at >= now() - interval '1 hour' GROUP BY 1, 2"

    let pool: PostgresPool
    let factory: any MetricsFactory
    private let lastRefresh = Mutex<ContinuousClock.Instant?>(nil)

    init(pool: PostgresPool, factory: any MetricsFactory) {
        self.pool = pool
        self.factory = factory
    }

    func refresh() async {
        let now = ContinuousClock.now
        let due = lastRefresh.withLock { last -> Bool in
            if let last, now - last < .milliseconds(Self.refreshMillisecondsMin) { return false }
            last = now
            return true
        }
        guard due else { return }
        do {
            let reading = try await read()
            publish(reading)
            gauge("videoledger_database_up", []).record(1)
        } catch {
            gauge("videoledger_database_up", []).record(0)
            lastRefresh.withLock { $0 = nil }
        }
    }

    private func read() async throws -> Reading {
        try await pool.withSession { session in
            var reading = Reading()
            for row in try session.query(Self.balancesSQL) {
                let kind: String = try row.decode(0), currency: String = try row.decode(1)
                reading.balances[kind + "|" + currency] = try row.decode(2, as: Int64.self)
            }
            for row in try session.query(Self.openHoldsSQL) {
                let currency: String = try row.decode(0)
                reading.openHolds[currency] = (try row.decode(1, as: Int64.self), try row.decode(2, as: Int64.self))
            }
            for row in try session.query(Self.activeJobsSQL, [Self.activeStatuses]) {
                let status: String = try row.decode(0)
                reading.activeJobs[status] = try row.decode(1, as: Int64.self)
            }
            for row in try session.query(Self.recentJobsSQL) {
                let provider: String = try row.decode(0), status: String = try row.decode(1)
                reading.recentJobs[provider + "|" + status] = try row.decode(2, as: Int64.self)
            }
            for row in try session.query(Self.shortfallsSQL) {
                let currency: String = try row.decode(0)
                reading.shortfalls[currency] = (try row.decode(1, as: Int64.self), try row.decode(2, as: Int64.self))
            }
            return reading
        }
    }

    /// Sets every known label combination, zero when absent, so a value that dropped to nothing
    /// does not linger at its old reading. Micro-unit figures are exact in a Double up to 2^53.
    private func publish(_ reading: Reading) {
        for kind in Self.accountKinds {
            for currency in Self.currencies {
                gauge("videoledger_ledger_balance_micros", [("kind", kind), ("currency", currency)])
                    .record(Double(reading.balances[kind + "|" + currency] ?? 0))
            }
        }
        for currency in Self.currencies {
            let open = reading.openHolds[currency] ?? (0, 0)
            gauge("videoledger_holds_open", [("currency", currency)]).record(Double(open.count))
            gauge("videoledger_holds_open_micros", [("currency", currency)]).record(Double(open.micros))
            let shortfall = reading.shortfalls[currency] ?? (0, 0)
            gauge("videoledger_shortfalls", [("currency", currency)]).record(Double(shortfall.count))
            gauge("videoledger_shortfall_micros", [("currency", currency)]).record(Double(shortfall.micros))
        }
        for status in Self.activeStatuses {
            gauge("videoledger_jobs_active", [("status", status)]).record(Double(reading.activeJobs[status] ?? 0))
        }
        for provider in ProviderID.allCases.map(\.rawValue) {
            var errors: Int64 = 0
            for status in JobListQuery.statuses {
                let count = reading.recentJobs[provider + "|" + status] ?? 0
                if Self.errorStatuses.contains(status) { errors += count }
                gauge("videoledger_jobs_last_hour", [("provider", provider), ("status", status)]).record(Double(count))
            }
            gauge("videoledger_provider_errors_last_hour", [("provider", provider)]).record(Double(errors))
        }
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)]) -> Metrics.Gauge {
        Metrics.Gauge(label: label, dimensions: dimensions, factory: factory)
    }
}
