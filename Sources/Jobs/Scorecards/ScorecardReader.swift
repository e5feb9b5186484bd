import Foundation
import Postgres
import Pricing
import ProviderRegistry

/// Computes scorecards from the job history (read only; one statement).
public struct ScorecardReader: Sendable {
    public let pool: PostgresPool
    public let catalog: PriceCatalog
    public let settings: ReliabilitySettings

    public init(pool: PostgresPool, catalog: PriceCatalog, settings: ReliabilitySettings = ReliabilitySettings()) {
        self.pool = pool
        self.catalog = catalog
        self.settings = settings
    }

    /// The scorecards of the windows ending at `asOf`, numbered `generation`.
    public func compute(asOf: Date, generation: UInt64) async throws -> Scorecard {
        let rows = try await pool.withSession { session in
            try session.query(ScorecardQuery.sql, [asOf]).compactMap(Self.row)
        }
        return scorecard(rows, asOf: asOf, generation: generation)
    }

    /// The scorecard of `rows` (every window's), with the expected-cost book built from the
    /// ranking window's.
    func scorecard(_ rows: [ScorecardRow], asOf: Date, generation: UInt64) -> Scorecard {
        var counts: [ProviderFamily: ReliabilityCounts] = [:]
        for row in rows where row.window == Scorecard.rankingWindow { counts[row.key] = row.reliabilityCounts }
        let book = ExpectedCostBook(
            catalog: catalog, counts: counts, settings: settings, window: Scorecard.rankingWindow,
            generation: generation, computedAt: asOf)
        return Scorecard(asOf: asOf, generation: generation, rows: rows, book: book)
    }

    /// One row of `ScorecardQuery.sql`, or of the stored `scorecard_rows` (the same columns
    /// after `as_of`). A job of a provider this build does not know (a renamed one) has no
    /// scorecard: nil.
    @Sendable static func row(_ row: PostgresRow) throws -> ScorecardRow? {
        guard let provider = ProviderID(rawValue: try row.decode(1)) else { return nil }
        return ScorecardRow(
            window: try row.decode(0), provider: provider, family: try row.decode(2), jobs: try row.decode(3),
            completed: try row.decode(4), failed: try row.decode(5), contentPolicy: try row.decode(6),
            cancelled: try row.decode(7), expired: try row.decode(8), stalled: try row.decode(9),
            unknown: try row.decode(10),
            inFlight: try row.decode(11), refunded: try row.decode(12),
            p50Milliseconds: try row.decodeIfPresent(13),
            p95Milliseconds: try row.decodeIfPresent(14), costed: try row.decode(15),
            costedQuotedMicros: try row.decode(16),
            quoteErrorTotalMicros: try row.decode(17), quoteErrorP50Micros: try row.decodeIfPresent(18),
            quoteErrorP95Micros: try row.decodeIfPresent(19), failedQuotedMicros: try row.decode(20),
            failedBilledMicros: try row.decode(21), liveQuoted: try row.decode(22),
            liveDriftTotalMicros: try row.decode(23),
            liveDriftP50Micros: try row.decodeIfPresent(24), liveDriftP95Micros: try row.decodeIfPresent(25))
    }
}
