import ProviderRegistry
import Testing

@testable import Pricing

/// Every price rule on the fixture books, with costs computed by hand.
struct PriceRuleTests {
    let catalog: PriceCatalog

    init() throws { catalog = try RuleBooks.catalog() }

    private func offer(_ input: QuoteInput, on day: String = "2026-03-01", from provider: ProviderID = .aimo) throws
        -> Offer
    {
        let result = try catalog.quote(input, on: day)
        return try #require(result.offers.first { $0.provider == provider }, "rejections: \(result.rejections)")
    }

    @Test func perClipPriceSnapsToTheNextClip() throws {
        let offer = try offer(QuoteInput(family: "fam-a", duration: "7s", resolution: "720p"))
        #expect(offer.clipSeconds == 10)
        #expect(offer.costMicros == 900_000)
        #expect(offer.breakdown.unit == .perClip)
        #expect(offer.breakdown.rateMicros == 900_000)
    }

    @Test func perClipWithAudioAndVariants() throws {
        let offer = try offer(QuoteInput(family: "fam-a", duration: "5", resolution: "720p", audio: true, variants: 3))
        #expect(offer.costMicros == 1_800_000)  // 0.60 × 3
        #expect(offer.breakdown.audio == .withAudioRate)
        #expect(offer.breakdown.perVariantMicros == 600_000)
    }

    @Test func surchargeIncrementAndMinimumBilledSeconds() throws {
        // 7 s → billed in 5 s increments = 10 s, minimum 10 s; (0.10 + 0.02 audio) × 10.
        let offer = try offer(QuoteInput(family: "fam-b", duration: "7s", resolution: "720p", audio: true))
        #expect(offer.clipSeconds == 7)
        #expect(offer.billedSeconds == 10)
        #expect(offer.costMicros == 1_200_000)
        #expect(offer.breakdown.audio == .surcharge)
        #expect(offer.breakdown.audioSurchargeMicrosPerSecond == 20_000)
    }

    @Test func minimumBilledSecondsRaisesShortClips() throws {
        // 3 s → 5 s increment → raised to the 10 s minimum; 0.10 × 10.
        let offer = try offer(QuoteInput(family: "fam-b", duration: 3, resolution: "720p"))
        #expect(offer.billedSeconds == 10)
        #expect(offer.costMicros == 1_000_000)
    }

    @Test func incrementRoundsUpPastTheMinimum() throws {
        // June sheet: 12 s → 15 s billed; 0.12 × 15 × 2 variants.
        let offer = try offer(
            QuoteInput(family: "fam-b", duration: 12, resolution: "720p", variants: 2), on: "2026-07-01")
        #expect(offer.billedSeconds == 15)
        #expect(offer.costMicros == 3_600_000)
        #expect(offer.provenance.isInferred)
    }

    @Test func autoUsesTheProvidersDefault() throws {
        let offer = try offer(QuoteInput(family: "fam-a", duration: .auto, resolution: "720p"), from: .venice)
        #expect(offer.clipSeconds == 4)
        #expect(offer.costMicros == 200_000)  // 0.05 × 4
    }

    @Test func durationSnappingNeverShortensTheClip() {
        let listed = DurationRule(
            choices: .listed([4, 6, 8]), defaultSeconds: 8, billingIncrementSeconds: 1, minimumBilledSeconds: 0)
        #expect(listed.snap(.seconds(1)) == 4)
        #expect(listed.snap(.seconds(6)) == 6)
        #expect(listed.snap(.seconds(7)) == 8)
        #expect(listed.snap(.seconds(9)) == nil)
        #expect(listed.snap(.auto) == 8)
        let ranged = DurationRule(
            choices: .range(3...20), defaultSeconds: 5, billingIncrementSeconds: 5, minimumBilledSeconds: 0)
        #expect(ranged.snap(.seconds(2)) == 3)
        #expect(ranged.snap(.seconds(20)) == 20)
        #expect(ranged.snap(.seconds(21)) == nil)
        #expect(ranged.billedSeconds(for: 11) == 15)
        #expect(ranged.billedSeconds(for: 15) == 15)
    }
}
