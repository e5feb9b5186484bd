import Foundation
import ProviderRegistry

/// Every provider model family's reliability estimate, bound to one price catalog so the quote
/// path finds a model's estimate by index: precomputed off the request path (the scorecard's
/// refresh builds one) and swapped in whole, never changed in place.
public final class ExpectedCostBook: Sendable {
    /// Increases with every book the scorecard publishes; 0 for a book of priors only.
    public let generation: UInt64
    /// The history's end (the refresh time); nil for a book of priors only.
    public let computedAt: Date?
    /// The window the estimates come from, e.g. `30d`.
    public let window: String
    public let settings: ReliabilitySettings
    /// One per provider and family the catalog prices, in provider then family order.
    public let estimates: [ReliabilityEstimate]
    /// `PriceCatalog.layoutKey` of the catalog `byModel` indexes.
    let layoutKey: UInt64
    /// The estimate of each catalog model's provider and family, by model index.
    let byModel: [ReliabilityEstimate]
    private let byKey: [ProviderFamily: Int]

    /// Estimates from `counts` (a provider and family without an entry has no history) for every
    /// provider model family `catalog` prices. The prior of a family is its success rate pooled
    /// over every provider, or `settings.defaultSuccessPPB` when nobody has history for it.
    public init(
        catalog: PriceCatalog, counts: [ProviderFamily: ReliabilityCounts],
        settings: ReliabilitySettings = ReliabilitySettings(),
        window: String = "30d", generation: UInt64 = 0, computedAt: Date? = nil
    ) {
        var pooled: [String: (completed: Int, decided: Int)] = [:]
        for (key, figures) in counts {
            pooled[key.family, default: (0, 0)].completed += figures.completed
            pooled[key.family, default: (0, 0)].decided += figures.decided
        }
        let keys = Set(catalog.models.map { ProviderFamily(provider: $0.provider, family: $0.family) }).sorted()
        var estimates: [ReliabilityEstimate] = []
        var byKey: [ProviderFamily: Int] = [:]
        for key in keys {
            let pool = pooled[key.family] ?? (0, 0)
            let prior =
                pool.decided > 0
                ? Reliability.ratioPPB(Int128(pool.completed), Int128(pool.decided)) : settings.defaultSuccessPPB
            byKey[key] = estimates.count
            estimates.append(
                .make(key, counts: counts[key] ?? ReliabilityCounts(), priorSuccessPPB: prior, settings: settings))
        }
        self.generation = generation
        self.computedAt = computedAt
        self.window = window
        self.settings = settings
        self.estimates = estimates
        self.byKey = byKey
        self.layoutKey = catalog.layoutKey
        self.byModel = catalog.models.map {
            estimates[byKey[ProviderFamily(provider: $0.provider, family: $0.family)]!]
        }
    }

    /// A book without history: every estimate is the default prior.
    public static func priorsOnly(catalog: PriceCatalog, settings: ReliabilitySettings = ReliabilitySettings())
        -> ExpectedCostBook
    {
        ExpectedCostBook(catalog: catalog, counts: [:], settings: settings)
    }

    public func estimate(provider: ProviderID, family: String) -> ReliabilityEstimate? {
        byKey[ProviderFamily(provider: provider, family: family)].map { estimates[$0] }
    }

    /// Whether this book indexes `catalog`'s models.
    public func isBound(to catalog: PriceCatalog) -> Bool { catalog.layoutKey == layoutKey }
}
