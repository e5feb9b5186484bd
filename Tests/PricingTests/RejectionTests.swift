import ProviderRegistry
import Testing

@testable import Pricing

/// What a provider model cannot do is rejected with the reason, never priced.
struct RejectionTests {
    private func rejection(_ input: QuoteInput, _ provider: ProviderID, catalog: PriceCatalog = SeedBooks.catalog)
        throws -> RejectionReason?
    {
        try catalog.quote(input).rejections.first { $0.provider == provider }?.reason
    }

    @Test func unsupportedResolution() throws {
        let reason = try rejection(QuoteInput(family: "veo-3.1-fast", duration: 8, resolution: "4k"), .openAIVideos)
        #expect(reason == .resolutionNotOffered(.k4, offered: ResolutionSet([.p720, .p1080])))
        #expect(reason?.description == "resolution 4k not offered (offers 720p, 1080p)")
    }

    @Test func durationLongerThanTheLongestClip() throws {
        let reason = try rejection(QuoteInput(family: "veo-3.1-fast", duration: "10s", resolution: "720p"), .venice)
        #expect(reason == .durationTooLong(requestedSeconds: 10, longestSeconds: 8))
    }

    @Test func audioOnASilentOnlyModel() throws {
        let reason = try rejection(QuoteInput(family: "veo-3.1", duration: 8, resolution: "720p", audio: true), .venice)
        #expect(reason == .audioNotOffered)
    }

    @Test func tooManyVariants() throws {
        let reason = try rejection(
            QuoteInput(family: "veo-3.1-fast", duration: 8, resolution: "720p", variants: 2), .venice)
        #expect(reason == .tooManyVariants(requested: 2, max: 1))
    }

    @Test func aspectRatioAndModeNotOffered() throws {
        let catalog = try RuleBooks.catalog()
        #expect(
            try rejection(
                QuoteInput(family: "fam-a", duration: 4, resolution: "720p", aspectRatio: "9:16"), .venice,
                catalog: catalog) == .aspectRatioNotOffered(.r9x16, offered: AspectRatioSet([.r16x9])))
        #expect(
            try rejection(
                QuoteInput(family: "fam-a", duration: 4, resolution: "720p", mode: "v2v"), .venice,
                catalog: catalog) == .modeNotOffered(.v2v, offered: GenerationModeSet([.t2v, .i2v])))
    }

    @Test func providersWithoutTheFamilyAreListed() throws {
        let result = try SeedBooks.catalog.quote(QuoteInput(family: "wan-2.5", duration: 5, resolution: "720p"))
        #expect(
            Set(result.rejections.filter { $0.reason == .familyNotOffered }.map(\.provider))
                == [.aimo, .openAIVideos, .nanoGPT, .aigate])
    }

    @Test func aProviderFilterKeepsOneProvider() throws {
        let result = try SeedBooks.catalog.quote(
            QuoteInput(family: "veo-3.1-fast", provider: "venice", duration: 8, resolution: "720p"))
        #expect(result.offers.map(\.provider) == [.venice])
        #expect(result.rejections.isEmpty)
    }

    @Test func anExactModelQuotesOnlyThatModel() throws {
        let result = try SeedBooks.catalog.quote(
            QuoteInput(model: "klingai/kling-v3.0-t2v", quality: "pro", duration: 5, resolution: "720p"))
        #expect(result.offers.count == 1)
        #expect(result.offers.first?.quality == "pro")
        #expect(result.offers.first?.family == "kling-v3-pro")
        #expect(result.offers.first?.costMicros == 560_000)  // 0.112 × 5
    }
}
