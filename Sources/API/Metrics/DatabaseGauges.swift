import Jobs
import Ledger
import Metrics
import Postgres
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
    static let currencies = ["USD", "XNO", "USDC"]
    /// Statuses counted as a provider error in `videoledger_provider_errors_last_hour`.
    static let errorStatuses: Set<JobStatus> = [.failed, .expired, .unknown]

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
            let (ledger, jobs) = try await read()
            publish(ledger, jobs)
            gauge("videoledger_database_up", []).record(1)
        } catch {
            gauge("videoledger_database_up", []).record(0)
            lastRefresh.withLock { $0 = nil }
        }
    }

    private func read() async throws -> (LedgerTotals, JobActivity) {
        (try await LedgerTotals.read(pool), try await JobStore(pool: pool).activity())
    }

    /// Sets every known label combination, zero when absent, so a value that dropped to nothing
    /// does not linger at its old reading. Micro-unit figures are exact in a Double up to 2^53.
    private func publish(_ ledger: LedgerTotals, _ jobs: JobActivity) {
        for kind in LedgerTotals.accountKinds {
            for currency in Self.currencies {
                gauge("videoledger_ledger_balance_micros", [("kind", kind), ("currency", currency)])
                    .record(Double(ledger.balances[kind]?[currency] ?? 0))
            }
        }
        for currency in Self.currencies {
            let open = ledger.openHolds[currency] ?? (0, 0)
            gauge("videoledger_holds_open", [("currency", currency)]).record(Double(open.count))
            gauge("videoledger_holds_open_micros", [("currency", currency)]).record(Double(open.micros))
            let shortfall = ledger.shortfalls[currency] ?? (0, 0)
            gauge("videoledger_shortfalls", [("currency", currency)]).record(Double(shortfall.count))
            gauge("videoledger_shortfall_micros", [("currency", currency)]).record(Double(shortfall.micros))
        }
        for status in JobActivity.activeStatuses {
            gauge("videoledger_jobs_active", [("status", status.rawValue)]).record(
                Double(jobs.activeByStatus[status] ?? 0))
        }
        for provider in ProviderID.allCases.map(\.rawValue) {
            var errors: Int64 = 0
            for status in JobStatus.allCases {
                let count = jobs.lastHour[provider]?[status] ?? 0
                if Self.errorStatuses.contains(status) { errors += count }
                gauge("videoledger_jobs_last_hour", [("provider", provider), ("status", status.rawValue)]).record(
                    Double(count))
            }
            gauge("videoledger_provider_errors_last_hour", [("provider", provider)]).record(Double(errors))
        }
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)]) -> Metrics.Gauge {
        Metrics.Gauge(label: label, dimensions: dimensions, factory: factory)
    }
}
