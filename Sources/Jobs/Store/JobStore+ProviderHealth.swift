import Foundation
import Postgres
import ProviderRegistry

/// How one provider's recent jobs went, and what it last said its balance was.
public struct ProviderJobHealth: Sendable {
    /// The newest snapshot per currency; empty when the provider never reported one.
    public var balances: [BalanceReading] = []
    /// Jobs created in the window by status; every status is present (0 when none).
    public var jobsByStatus: [JobStatus: Int64] = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
    /// Completed jobs in the window, and the p50 and p95 of finished_at − created_at in ms.
    public var completedSamples: Int64 = 0
    public var completionP50Milliseconds: Int64?
    public var completionP95Milliseconds: Int64?

    /// No jobs, no balance, no completions: what a provider shows before it has any.
    public init() {}

    public struct BalanceReading: Sendable {
        public let currency: String
        public let micros: Int64
        /// Where the figure came from (`check-balance`, `x-balance-remaining`, ...).
        public let source: String
        public let takenAt: PostgresTimestamp
    }
}

extension JobStore {
    /// A week: enough for a dashboard trend, small enough to keep percentiles cheap.
    public static let healthWindowHoursMax = 168
    static let balanceCurrencies = ["USD", "XNO", "USDC"]

    /// Every provider's health over the jobs created in the last `windowHours` (a range of index
    /// `jobs_by_time`), so the cost grows with the window's traffic, not with history;
    /// balances are one index probe per (provider, currency). Three bounded statements.
    public func providerHealth(windowHours: Int) async throws -> [ProviderID: ProviderJobHealth] {
        precondition((1...Self.healthWindowHoursMax).contains(windowHours), "window out of range")
        let providers = ProviderID.allCases.map(\.rawValue)
        do {
            return try await pool.withSession { session in
                var health = Dictionary(uniqueKeysWithValues: ProviderID.allCases.map { ($0, ProviderJobHealth()) })
                for row in try session.query(Self.latestBalancesSQL, [providers, Self.balanceCurrencies]) {
                    guard let provider = ProviderID(rawValue: try row.decode(0)) else { continue }
                    health[provider]?.balances.append(
                        ProviderJobHealth.BalanceReading(
                            currency: try row.decode(1), micros: try row.decode(2), source: try row.decode(3),
                            takenAt: try row.decode(4)))
                }
                for row in try session.query(Self.statusCountsSQL, [providers, windowHours]) {
                    guard let provider = ProviderID(rawValue: try row.decode(0)),
                        let status = JobStatus(rawValue: try row.decode(1))
                    else { continue }
                    health[provider]?.jobsByStatus[status] = try row.decode(2, as: Int64.self)
                }
                for row in try session.query(Self.completionTimesSQL, [providers, windowHours]) {
                    guard let provider = ProviderID(rawValue: try row.decode(0)) else { continue }
                    health[provider]?.completedSamples = try row.decode(1)
                    health[provider]?.completionP50Milliseconds = try row.decodeIfPresent(2)
                    health[provider]?.completionP95Milliseconds = try row.decodeIfPresent(3)
                }
                return health
            }
        } catch {
            throw JobError.wrap(error)
        }
    }

    /// provider, currency, balance micros, source, taken_at: the newest snapshot of each.
    static let latestBalancesSQL = """
        SELECT p.provider, c.currency, s.balance_micros, s.source, s.taken_at
        FROM unnest($1::text[]) AS p(provider)
        CROSS JOIN unnest($2::text[]) AS c(currency)
        CROSS JOIN LATERAL (
            SELECT balance_micros, source, taken_at FROM provider_balance_snapshots b
            WHERE b.provider = p.provider AND b.currency = c.currency
            ORDER BY taken_at DESC, id DESC LIMIT 1
        ) s
        ORDER BY 1, 2
        """

    /// provider, status, jobs in the window.
    static let statusCountsSQL = """
        SELECT provider, status, count(*)
        FROM jobs
        WHERE provider = ANY($1::text[]) AND created_at >= now() - make_interval(hours => $2::int)
        GROUP BY 1, 2
        """

    /// provider, completed jobs, p50 and p95 of finished_at − created_at in milliseconds, over
    /// the window's completed jobs (percentile_cont interpolates between samples).
    static let completionTimesSQL = """
        SELECT provider, count(*),
               round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at)::float8) * 1000)::bigint,
               round(percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at)::float8) * 1000)::bigint
        FROM jobs
        WHERE provider = ANY($1::text[]) AND created_at >= now() - make_interval(hours => $2::int)
          AND status = 'completed' AND finished_at IS NOT NULL
        GROUP BY 1
        """
}
