import Foundation
import Pricing
import ProviderRegistry
import Synchronization

/// The scorecard in force: computed off the request path and swapped in whole, so a lookup
/// reads one reference under an uncontended lock and never sees half a refresh. Before the
/// first refresh it holds a book of priors only (every provider alike, so `expected` ranks as
/// `price` does).
public final class ScorecardBoard: Sendable {
    public let catalog: PriceCatalog
    private let current: Mutex<Scorecard>
    private let generations = Atomic<UInt64>(0)

    public init(catalog: PriceCatalog, settings: ReliabilitySettings = ReliabilitySettings()) {
        self.catalog = catalog
        current = Mutex(
            Scorecard(
                asOf: Date(timeIntervalSince1970: 0), generation: 0, rows: [],
                book: ExpectedCostBook.priorsOnly(catalog: catalog, settings: settings)))
    }

    /// The scorecard in force.
    public var scorecard: Scorecard { current.withLock { $0 } }

    /// The expected-cost book in force: what quotes rank with.
    public var book: ExpectedCostBook { current.withLock { $0.book } }

    /// The next generation number for a refresh.
    public func nextGeneration() -> UInt64 { generations.add(1, ordering: .relaxed).newValue }

    /// Puts `scorecard` in force unless a newer one already is (two refreshes racing).
    public func publish(_ scorecard: Scorecard) {
        precondition(scorecard.book.isBound(to: catalog), "a scorecard's book must be built for the board's catalog")
        current.withLock { held in
            if scorecard.generation >= held.generation { held = scorecard }
        }
    }

    /// Computes the scorecards as of `asOf` with `reader` and puts them in force.
    @discardableResult
    public func refresh(with reader: ScorecardReader, asOf: Date) async throws -> Scorecard {
        let scorecard = try await reader.compute(asOf: asOf, generation: nextGeneration())
        publish(scorecard)
        return scorecard
    }
}
