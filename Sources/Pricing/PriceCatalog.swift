/// Every provider's price book and the canonical families, loaded, validated and indexed for
/// quoting. Immutable: reloading the books makes a new catalog with its own version.
public struct PriceCatalog: Sendable {
    /// The content hash of the books this catalog was loaded from.
    public let version: PriceBookVersion
    /// Every priced model, grouped by provider (in `ProviderID` order), each in book order.
    public let models: [PricedModel]
    /// Canonical families, sorted by id.
    public let families: [ModelFamily]
    /// What the books say that a reader should see, each as `file:line: message`, in file and
    /// line order: conflicting sources, announced retirements, prices that cannot be requested.
    /// `pricing check` prints them; they never stop a load.
    public let warnings: [PriceBookProblem]

    let familyIndexByID: [String: Int]
    /// Model indices by slug (a slug can exist at several providers, or in several qualities).
    let modelIndicesBySlug: [String: [Int]]
    /// Identifies the layout of `models`; a `QuoteRequest` carries it so a request normalized
    /// against one catalog is never evaluated against another.
    let layoutKey: UInt64

    init(version: PriceBookVersion, models: [PricedModel], families: [ModelFamily], warnings: [PriceBookProblem] = []) {
        self.version = version
        self.models = models
        self.families = families
        self.warnings = warnings
        familyIndexByID = Dictionary(uniqueKeysWithValues: families.enumerated().map { ($1.id, $0) })
        modelIndicesBySlug = Dictionary(grouping: models.indices, by: { models[$0].slug })
        // The version is 64 hex digits (checked by PriceBookVersion), so its first 16 parse.
        layoutKey = UInt64(version.hex.prefix(16), radix: 16)!
    }

    /// The family with this id, if any.
    public func family(_ id: String) -> ModelFamily? {
        familyIndexByID[id].map { families[$0] }
    }
}

/// A canonical model family (`veo-3.1-fast`) and the provider models that make it.
public struct ModelFamily: Sendable {
    public let id: String
    /// A readable name: "Google Veo 3.1 Fast".
    public let name: String
    /// Indices into `PriceCatalog.models`, in provider order.
    public let modelIndices: [Int]
}
