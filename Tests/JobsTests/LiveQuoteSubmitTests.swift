import Foundation
import Jobs
import Logging
import Pricing
import ProviderRegistry
import ProviderSimulator
import Providers
import Reconciliation
import Synchronization
import Testing

/// Live quotes (`serve --live-quotes`): Venice's `POST /video/quote` asked on submit, over real
/// loopback HTTP to the simulator, and kept beside the catalog quote for reconciliation.
@Suite struct LiveQuoteSubmitTests {
    /// Venice wan-2.7, 5 s at 720p: the catalog says 0.55; the simulator quotes 5 s × 0.10.
    static let catalogMicros: Int64 = 550_000
    static let simulatorQuoteMicros: Int64 = 500_000

    /// Live quotes from the simulator's Venice, with a deadline a loaded machine cannot miss and
    /// a cache that keeps answers for the whole test (the service's 5 s and 60 s are about
    /// production latency and freshness, not about what these tests check).
    static func service(_ harness: JobsHarness, sources: [any LiveQuoteSource]? = nil) throws -> JobService {
        let liveQuotes = LiveQuotes(
            sources: try sources ?? [VeniceLiveQuoteSource(adapter: try venice(harness))],
            configuration: .init(cacheTTLMilliseconds: 3_600_000), logger: harness.logger)
        return JobService(
            pool: harness.pool, catalog: harness.catalog, adapters: harness.adapters,
            configuration: harness.configuration,
            logger: harness.logger, liveQuotes: liveQuotes)
    }

    static func venice(_ harness: JobsHarness) throws -> VeniceAdapter {
        VeniceAdapter(
            endpoint: try ProviderEndpoint(baseURL: try #require(harness.simulator.baseURLs[.venice])),
            auth: .apiKey(Secret("simulator")),
            client: harness.client, logger: harness.logger, quoteTimeoutMilliseconds: 60_000)
    }

    static func submit(_ service: JobService, _ harness: JobsHarness, _ spec: JobSpec, provider: String) async throws
        -> JobRecord
    {
        try await service.submit(JobRequest(userID: harness.user, spec: spec, provider: provider)).job
    }

    /// The live price is kept; the hold and the charge stay on the catalog quote.
    @Test func aVeniceSubmitKeepsTheLivePriceBesideTheCatalogQuote() async throws {
        try await JobsHarness.with { harness in
            let service = try Self.service(harness)
            let job = try await Self.submit(service, harness, Specs.venice(), provider: "venice")
            #expect(job.status == .queued)
            #expect(job.quotedMicros == Self.catalogMicros)
            #expect(job.liveQuoteMicros == Self.simulatorQuoteMicros)
            let held = try await harness.count("SELECT amount_micros::int FROM holds WHERE id = $1", [job.holdID])
            #expect(Int64(held) == Self.catalogMicros)

            let settled = try await harness.settle([job.id])
            #expect(settled[0].status == .completed)
            #expect(settled[0].liveQuoteMicros == Self.simulatorQuoteMicros)
            try await harness.expectInvariants()
        }
    }

    /// Off by default; on, only providers with a quote endpoint are asked.
    @Test func offByDefaultAndOnlyForProvidersWithAQuoteEndpoint() async throws {
        try await JobsHarness.with { harness in
            let plain = try await harness.submit(Specs.venice(), provider: "venice")
            #expect(plain.job.liveQuoteMicros == nil)
            let service = try Self.service(harness)
            let nanogpt = try await Self.submit(service, harness, Specs.nanoGPT(), provider: "nanogpt")
            #expect(nanogpt.status == .queued)
            #expect(nanogpt.liveQuoteMicros == nil)
            #expect(LiveQuotes(adapters: harness.adapters, logger: harness.logger).providers == [.venice])
        }
    }

    /// A second submit of the same parameters within the TTL is answered from the cache, and a
    /// different duration is asked afresh.
    @Test func theCacheAnswersRepeatedParameters() async throws {
        try await JobsHarness.with { harness in
            let counting = CountingSource(VeniceLiveQuoteSource(adapter: try Self.venice(harness)))
            let service = try Self.service(harness, sources: [counting])
            let first = try await Self.submit(service, harness, Specs.venice(), provider: "venice")
            // The provider's price moves, but the cached answer is still within its TTL.
            try await harness.control(.venice, "rate_per_second=0.2")
            let second = try await Self.submit(service, harness, Specs.venice(), provider: "venice")
            #expect(first.liveQuoteMicros == Self.simulatorQuoteMicros)
            #expect(second.liveQuoteMicros == Self.simulatorQuoteMicros)
            #expect(counting.calls == 1)

            var longer = Specs.venice()
            longer.duration = .seconds(10)
            let third = try await Self.submit(service, harness, longer, provider: "venice")
            let tenSecondsAtTheNewRate: Int64 = 10 * 200_000
            #expect(third.liveQuoteMicros == tenSecondsAtTheNewRate)
            #expect(counting.calls == 2)
        }
    }

    /// A quote endpoint that does not answer costs the submit nothing: it goes on without a
    /// live figure.
    @Test func aFailedQuoteDoesNotStopTheSubmit() async throws {
        try await JobsHarness.with { harness in
            let unreachable = VeniceAdapter(
                endpoint: try ProviderEndpoint(baseURL: "http://127.0.0.1:9/api/v1"),
                auth: .apiKey(Secret("simulator")),
                client: harness.client, logger: harness.logger)
            let service = try Self.service(harness, sources: [VeniceLiveQuoteSource(adapter: unreachable)])
            let job = try await Self.submit(service, harness, Specs.venice(), provider: "venice")
            #expect(job.status == .queued)
            #expect(job.liveQuoteMicros == nil)
            #expect(job.quotedMicros == Self.catalogMicros)
            try await harness.expectInvariants()
        }
    }

    /// Reconciliation reports the models whose live prices differ from the book, summed.
    @Test func reconciliationReportsLiveQuoteDrift() async throws {
        try await JobsHarness.with { harness in
            let service = try Self.service(harness)
            let started = Date().addingTimeInterval(-1)
            for _ in 0..<3 { _ = try await Self.submit(service, harness, Specs.venice(), provider: "venice") }
            let report = try await harness.reconciler().run(from: started, to: Date())
            let drift = report.findings.filter { $0.kind == "live_quote_drift" }
            #expect(drift.count == 1)
            let finding = try #require(drift.first)
            #expect(finding.provider == "venice")
            #expect(finding.currency == "USD")
            #expect(finding.expectedMicros == 3 * Self.catalogMicros)
            #expect(finding.observedMicros == 3 * Self.simulatorQuoteMicros)
            #expect(finding.differenceMicros == 3 * (Self.simulatorQuoteMicros - Self.catalogMicros))
            #expect(finding.severity == "warning")  // 9 % below the book
            #expect(finding.detail.hasPrefix("wan-2-7-text-to-video: 3 of 3"))
            let stored = try #require(try await harness.reconciler().report(id: report.id))
            #expect(stored.findings.contains(finding))
        }
    }
}

/// Counts calls to the real source it wraps.
final class CountingSource: LiveQuoteSource {
    let inner: any LiveQuoteSource
    private let count = Mutex(0)
    var provider: ProviderID { inner.provider }
    var calls: Int { count.withLock { $0 } }

    init(_ inner: any LiveQuoteSource) { self.inner = inner }

    func liveQuoteMicros(for query: LiveQuoteQuery) async throws -> Int64 {
        count.withLock { $0 += 1 }
        return try await inner.liveQuoteMicros(for: query)
    }
}
