import Foundation
import Hummingbird
import Money
import Postgres

/// `GET /v1/providers?window_hours=`: the five providers with their last reported balance, and
/// how their recent jobs went (counts by status, error rate, completion-time percentiles).
struct ProviderRoutes: Sendable {
    let pool: PostgresPool

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

        enum CodingKeys: String, CodingKey { case provider, balances, jobsByStatus, jobsTotal, errorRate, completionTime, drift }
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
            let windowHours = try QueryReader(request).integer("window_hours", in: 1...ProviderHealthQuery.windowHoursMax)
                ?? ProviderHealthQuery.windowHoursDefault
            return try JSONResponse.make(try await overview(windowHours: windowHours))
        }
    }

    func overview(windowHours: Int) async throws -> Overview {
        typealias Counts = [String: [String: Int64]]
        typealias Times = [String: CompletionTime]
        let providers = ProviderHealthQuery.providers
        let (balances, counts, times, drift) = try await pool.withSession { session -> ([String: [Balance]], Counts, Times, [String: Drift]) in
            var balances: [String: [Balance]] = [:]
            for row in try session.query(ProviderHealthQuery.latestBalances, [providers, ProviderHealthQuery.currencies]) {
                let balance = Balance(
                    currency: try row.decode(1), amount: DecimalAmount.string(fromMicros: try row.decode(2)),
                    source: try row.decode(3), takenAt: try row.decode(4, as: PostgresTimestamp.self).postgresText)
                let provider: String = try row.decode(0)
                balances[provider, default: []].append(balance)
            }
            var counts: Counts = [:]
            for row in try session.query(ProviderHealthQuery.statusCounts, [providers, windowHours]) {
                let provider: String = try row.decode(0), status: String = try row.decode(1)
                counts[provider, default: [:]][status] = try row.decode(2, as: Int64.self)
            }
            var times: Times = [:]
            for row in try session.query(ProviderHealthQuery.completionTimes, [providers, windowHours]) {
                let provider: String = try row.decode(0)
                times[provider] = CompletionTime(
                    samples: try row.decode(1), p50Milliseconds: try row.decodeIfPresent(2), p95Milliseconds: try row.decodeIfPresent(3))
            }
            return (balances, counts, times, try Self.latestDrift(session, providers: providers))
        }
        return Overview(windowHours: windowHours, providers: providers.map { provider in
            var byStatus = Dictionary(uniqueKeysWithValues: JobListQuery.statuses.map { ($0, Int64(0)) })
            for (status, count) in counts[provider] ?? [:] { byStatus[status] = count }
            let total = byStatus.values.reduce(0, +)
            let failed = byStatus["failed"] ?? 0
            return ProviderHealth(
                provider: provider, balances: balances[provider] ?? [], jobsByStatus: byStatus, jobsTotal: total,
                errorRate: total == 0 ? nil : (Double(failed) / Double(total) * 10_000).rounded() / 10_000,
                completionTime: times[provider] ?? CompletionTime(samples: 0, p50Milliseconds: nil, p95Milliseconds: nil),
                drift: drift[provider])
        })
    }

    /// Each provider's drift as the newest finished reconciliation saw it; empty before any.
    private static func latestDrift(_ session: PostgresSession, providers: [String]) throws -> [String: Drift] {
        var run: (id: String, at: String)?
        var amounts: [String: [DriftAmount]] = [:]
        for row in try session.query(ProviderHealthQuery.latestDrift, [providers]) {
            run = (try row.decode(0, as: UUID.self).uuidString.lowercased(), try row.decode(1, as: PostgresTimestamp.self).postgresText)
            guard let provider = try row.decodeIfPresent(2, as: String.self) else { continue }
            amounts[provider, default: []].append(DriftAmount(
                currency: try row.decode(3), difference: DecimalAmount.string(fromMicros: try row.decode(4)), severity: try row.decode(5)))
        }
        guard let run else { return [:] }
        return Dictionary(uniqueKeysWithValues: providers.map { provider in
            (provider, Drift(reconciliationId: run.id, reconciledAt: run.at, amounts: amounts[provider] ?? []))
        })
    }
}
