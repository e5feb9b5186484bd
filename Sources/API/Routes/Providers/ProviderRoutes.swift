import Foundation
import Hummingbird
import Jobs
import Money
import Postgres
import ProviderRegistry
import Reconciliation

/// `GET /v1/providers?window_hours=`: the five providers with their last reported balance, and
/// how their recent jobs went (counts by status, error rate, completion-time percentiles).
struct ProviderRoutes: Sendable {
    let reads: DashboardReads

    static let windowHoursDefault = 24

    struct Balance: Encodable, Sendable {
        let currency: String
        let amount: String
        /// Where the figure came from (e.g. `check-balance`, `x-balance-remaining`).
        let source: String
        let takenAt: String
    }

    struct CompletionTime: Encodable, Sendable {
        /// Completed jobs the percentiles are computed over.
        let samples: Int64
        let p50Milliseconds: Int64?
        let p95Milliseconds: Int64?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(samples, forKey: .samples)
            try container.encode(p50Milliseconds, forKey: .p50Milliseconds)
            try container.encode(p95Milliseconds, forKey: .p95Milliseconds)
        }

        enum CodingKeys: String, CodingKey { case samples, p50Milliseconds, p95Milliseconds }
    }

    struct ProviderHealth: Encodable, Sendable {
        let provider: String
        /// Newest snapshot per currency the provider reported; empty when it never did.
        let balances: [Balance]
        /// Jobs created in the window, by status; every status is present (0 when none).
        let jobsByStatus: [String: Int64]
        let jobsTotal: Int64
        /// failed ÷ total over the window; null when the window has no jobs.
        let errorRate: Double?
        let completionTime: CompletionTime
        /// What the newest finished reconciliation concluded about this provider's balance;
        /// null before any reconciliation has finished.
        let drift: Drift?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(provider, forKey: .provider)
            try container.encode(balances, forKey: .balances)
            try container.encode(jobsByStatus, forKey: .jobsByStatus)
            try container.encode(jobsTotal, forKey: .jobsTotal)
            try container.encode(errorRate, forKey: .errorRate)
            try container.encode(completionTime, forKey: .completionTime)
            try container.encode(drift, forKey: .drift)
        }

        enum CodingKeys: String, CodingKey {
            case provider, balances, jobsByStatus, jobsTotal, errorRate, completionTime, drift
        }
    }

    /// Balance drift: how far the provider's reported balance moved beyond what our recorded
    /// charges explain, per currency, as of one reconciliation run.
    struct Drift: Encodable, Sendable {
        let reconciliationId: String
        let reconciledAt: String
        /// One entry per currency whose drift exceeded the tolerance; empty when the balance
        /// matched the recorded charges (or the provider reported too little to compare).
        let amounts: [DriftAmount]
    }

    struct DriftAmount: Encodable, Sendable {
        let currency: String
        /// Observed balance change minus the change our charges explain; negative when the
        /// provider took more than we recorded.
        let difference: String
        let severity: String
    }

    struct Overview: Encodable, Sendable {
        let windowHours: Int
        let providers: [ProviderHealth]
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/providers") { request, _ in
            let windowHours =
                try QueryReader(request).integer("window_hours", in: 1...JobStore.healthWindowHoursMax)
                ?? Self.windowHoursDefault
            let (overview, source) = try await reads.run { pool in
                try await Self.overview(windowHours: windowHours, pool: pool)
            }
            return DashboardReads.labelled(try JSONResponse.make(overview), source)
        }
    }

    static func overview(windowHours: Int, pool: PostgresPool) async throws -> Overview {
        let health = try await JobStore(pool: pool).providerHealth(windowHours: windowHours)
        let drift = try await ReconciliationStore(pool: pool).latestDrift()
        return Overview(
            windowHours: windowHours,
            providers: ProviderID.allCases.map { provider in
                let figures = health[provider] ?? ProviderJobHealth()
                let byStatus = Dictionary(
                    uniqueKeysWithValues: figures.jobsByStatus.map { ($0.key.rawValue, $0.value) })
                let total = byStatus.values.reduce(0, +)
                let failed = byStatus[JobStatus.failed.rawValue] ?? 0
                return ProviderHealth(
                    provider: provider.rawValue,
                    balances: figures.balances.map {
                        Balance(
                            currency: $0.currency, amount: DecimalAmount.string(fromMicros: $0.micros),
                            source: $0.source,
                            takenAt: $0.takenAt.postgresText)
                    },
                    jobsByStatus: byStatus, jobsTotal: total,
                    errorRate: total == 0 ? nil : (Double(failed) / Double(total) * 10_000).rounded() / 10_000,
                    completionTime: CompletionTime(
                        samples: figures.completedSamples, p50Milliseconds: figures.completionP50Milliseconds,
                        p95Milliseconds: figures.completionP95Milliseconds),
                    drift: drift[provider].map(Drift.init))
            })
    }
}

extension ProviderRoutes.Drift {
    init(_ drift: BalanceDrift) {
        self.init(
            reconciliationId: drift.reconciliationID.uuidString.lowercased(),
            reconciledAt: drift.reconciledAt.postgresText,
            amounts: drift.amounts.map {
                ProviderRoutes.DriftAmount(
                    currency: $0.currency, difference: DecimalAmount.string(fromMicros: $0.differenceMicros),
                    severity: $0.severity)
            })
    }
}
