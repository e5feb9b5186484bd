import ProviderRegistry
import Synchronization
import Testing

@testable import Pricing

/// The pure parts of live quoting: the bounded TTL cache and the drift record.
struct LiveQuoteTests {
    final class ManualClock: Sendable {
        let milliseconds = Mutex<Int64>(0)
        func advance(by delta: Int64) { milliseconds.withLock { $0 += delta } }
        var now: @Sendable () -> Int64 { { [self] in milliseconds.withLock { $0 } } }
    }

    final class FixedSource: LiveQuoteSource {
        let provider: ProviderID = .venice
        let micros: Int64
        let calls = Mutex<Int>(0)

        init(micros: Int64) { self.micros = micros }

        func liveQuoteMicros(for query: LiveQuoteQuery) async throws -> Int64 {
            calls.withLock { $0 += 1 }
            return micros
        }
    }

    private func query(_ seconds: Int) -> LiveQuoteQuery {
        LiveQuoteQuery(
            provider: .venice, providerModel: "m", quality: nil, clipSeconds: seconds, resolution: .p720,
            aspectRatio: nil, audio: false, variants: 1)
    }

    @Test func entriesExpireAfterTheTTL() {
        let clock = ManualClock()
        let cache = LiveQuoteCache(maxEntries: 4, ttlMilliseconds: 30_000, nowMilliseconds: clock.now)
        cache.store(880_000, for: query(8))
        clock.advance(by: 29_999)
        #expect(cache.micros(for: query(8)) == 880_000)
        clock.advance(by: 1)
        #expect(cache.micros(for: query(8)) == nil)
    }

    @Test func theCacheIsBoundedAndEvictsTheOldest() {
        let clock = ManualClock()
        let cache = LiveQuoteCache(maxEntries: 2, ttlMilliseconds: 60_000, nowMilliseconds: clock.now)
        cache.store(1, for: query(4))
        clock.advance(by: 10)
        cache.store(2, for: query(6))
        clock.advance(by: 10)
        cache.store(3, for: query(8))
        #expect(cache.count == 2)
        #expect(cache.micros(for: query(4)) == nil)
        #expect(cache.micros(for: query(6)) == 2)
        #expect(cache.micros(for: query(8)) == 3)
    }

    @Test func driftKeepsBothPricesAndUsesTheCache() async throws {
        let result = try SeedBooks.catalog.quote(
            QuoteInput(family: "veo-3.1-fast", provider: "venice", duration: 8, resolution: "720p"))
        let offer = try #require(result.offers.first)
        let source = FixedSource(micros: 900_000)
        let comparer = LiveQuoteComparer(source: source, cache: LiveQuoteCache(maxEntries: 16, ttlMilliseconds: 60_000))
        let first = try await comparer.drift(for: offer)
        #expect(first.catalogMicros == 880_000)
        #expect(first.liveMicros == 900_000)
        #expect(first.driftMicros == 20_000)
        #expect(try first.driftBasisPoints == 227)  // 20_000 / 880_000 = 2.2727 %
        #expect(!first.fromCache)
        #expect(first.priceBookVersion == SeedBooks.catalog.version)
        let second = try await comparer.drift(for: offer)
        #expect(second.fromCache)
        #expect(source.calls.withLock { $0 } == 1)
    }

    @Test func negativeDriftRoundsHalfAwayFromZero() throws {
        let drift = QuoteDrift(
            query: query(8), catalogMicros: 800_000, liveMicros: 799_960,
            priceBookVersion: SeedBooks.catalog.version, observedOn: .today(), fromCache: false)
        #expect(try drift.driftBasisPoints == -1)  // -0.5 bp rounds to -1
    }
}
