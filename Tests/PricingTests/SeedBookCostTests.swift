import Basics
import ProviderRegistry
import Testing

@testable import Pricing

/// Costs on the real price books, each computed by hand from the rates in `pricing/*.yaml`
/// (rate × billed seconds × n, after snapping the clip length up to what the provider accepts).
struct SeedBookCostTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let input: QuoteInput
        let day: String
        let provider: ProviderID
        let billedSeconds: Int
        let micros: Int64
        let note: String

        var testDescription: String { "\(provider) \(note)" }
    }

    static func q(_ family: String, _ duration: DurationInput, _ resolution: String, audio: Bool = false, n: Int = 1)
        -> QuoteInput
    {
        QuoteInput(family: family, duration: duration, resolution: resolution, audio: audio, variants: n)
    }

    static let cases: [Case] = [
        // Veo 3.1 Fast: OpenRouter per-second with / without audio; Venice silent only.
        Case(
            input: q("veo-3.1-fast", "8s", "1080p", audio: true, n: 2), day: "2026-10-01", provider: .aimo,
            billedSeconds: 8, micros: 1_920_000, note: "veo-3.1-fast 0.12 × 8 s × 2"),
        Case(
            input: q("veo-3.1-fast", "8s", "1080p", audio: true, n: 2), day: "2026-10-01", provider: .openAIVideos,
            billedSeconds: 8, micros: 1_920_000, note: "veo3.1-fast 0.12 × 8 s × 2"),
        Case(
            input: q("veo-3.1-fast", 8, "1080p"), day: "2026-10-01", provider: .aimo,
            billedSeconds: 8, micros: 800_000, note: "veo-3.1-fast silent 0.10 × 8 s"),
        Case(
            input: q("veo-3.1-fast", 8, "1080p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 8, micros: 880_000, note: "veo3.1-fast-text-to-video 0.11 × 8 s"),
        Case(
            input: q("veo-3.1-fast", "5", "720p"), day: "2026-10-01", provider: .aimo,
            billedSeconds: 6, micros: 480_000, note: "5 s snaps to 6 s: 0.08 × 6"),
        Case(
            input: q("veo-3.1-fast", "5", "720p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 6, micros: 660_000, note: "5 s snaps to 6 s: 0.11 × 6"),
        Case(
            input: q("veo-3.1-fast", "auto", "4k"), day: "2026-10-01", provider: .aimo,
            billedSeconds: 8, micros: 2_000_000, note: "auto = 8 s: 0.25 × 8"),
        Case(
            input: q("veo-3.1-fast", "auto", "4k"), day: "2026-10-01", provider: .venice,
            billedSeconds: 8, micros: 2_640_000, note: "auto = 8 s: 0.33 × 8"),
        Case(
            input: q("veo-3.1-fast", "4s", "4K", audio: true), day: "2026-10-01", provider: .aimo,
            billedSeconds: 4, micros: 1_200_000, note: "4K with audio 0.30 × 4"),
        Case(
            input: q("veo-3.1-fast", "6s", "720p"), day: "2026-10-01", provider: .openAIVideos,
            billedSeconds: 6, micros: 600_000, note: "the gateway cannot ask for silence: with audio 0.10 × 6"),
        // Veo 3.1 standard.
        Case(
            input: q("veo-3.1", "8s", "1080p", audio: true), day: "2026-10-01", provider: .openAIVideos,
            billedSeconds: 8, micros: 3_200_000, note: "veo3.1 with audio 0.40 × 8"),
        Case(
            input: q("veo-3.1", "8s", "720p"), day: "2026-10-01", provider: .openAIVideos,
            billedSeconds: 8, micros: 3_200_000, note: "veo3.1 silent asked, renders audio: 0.40 × 8"),
        Case(
            input: q("veo-3.1", "4s", "4k", n: 2), day: "2026-10-01", provider: .openAIVideos,
            billedSeconds: 4, micros: 4_800_000, note: "veo3.1-4k route, with audio as rendered: 0.60 × 4 × 2"),
        Case(
            input: q("veo-3.1", "6s", "1280x720"), day: "2026-10-01", provider: .aimo,
            billedSeconds: 6, micros: 1_200_000, note: "veo-3.1 silent 0.20 × 6"),
        Case(
            input: q("veo-3.1", "6s", "720p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 6, micros: 1_320_000, note: "veo3.1-full 0.22 × 6"),
        Case(
            input: q("veo-3.1", "8s", "4k", audio: true, n: 3), day: "2026-10-01", provider: .aimo,
            billedSeconds: 8, micros: 14_400_000, note: "4K with audio 0.60 × 8 × 3"),
        // Veo 3.1 Lite and Veo 2.
        Case(
            input: q("veo-3.1-lite", "8s", "1080p", audio: true), day: "2026-10-01", provider: .aimo,
            billedSeconds: 8, micros: 640_000, note: "lite with audio 0.08 × 8"),
        Case(
            input: q("veo-3.1-lite", "4s", "720p"), day: "2026-10-01", provider: .aimo,
            billedSeconds: 4, micros: 120_000, note: "lite silent 0.03 × 4"),
        Case(
            input: q("veo-2", "3s", "720p"), day: "2026-10-01", provider: .nanoGPT,
            billedSeconds: 5, micros: 2_500_000, note: "3 s snaps to the 5 s minimum: 0.50 (the higher source) × 5"),
        // Wan.
        Case(
            input: q("wan-2.5", "5s", "480p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 5, micros: 277_500, note: "wan 2.5 0.0555 × 5"),
        Case(
            input: q("wan-2.5", "7s", "1080p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 10, micros: 1_660_000, note: "7 s snaps to 10 s: 0.166 × 10"),
        Case(
            input: q("wan-2.5", "10s", "720p", audio: true), day: "2026-10-01", provider: .venice,
            billedSeconds: 10, micros: 1_100_000, note: "audio always included: 0.11 × 10"),
        Case(
            input: q("wan-2.6", "15s", "1080p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 15, micros: 2_475_000, note: "wan 2.6 0.165 × 15"),
        Case(
            input: q("wan-2.6", "11", "720p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 15, micros: 1_650_000, note: "11 s snaps to 15 s: 0.11 × 15"),
        Case(
            input: q("wan-2.7", 1, "1080p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 2, micros: 280_000, note: "1 s raised to the 2 s minimum clip: 0.14 × 2"),
        Case(
            input: q("wan-2.7", "13s", "720p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 13, micros: 1_430_000, note: "any whole second in range: 0.11 × 13"),
        // Seedance.
        Case(
            input: q("seedance-2.0", "15s", "4k"), day: "2026-10-01", provider: .venice,
            billedSeconds: 15, micros: 14_670_000, note: "seedance 2.0 4K 0.978 × 15"),
        Case(
            input: q("seedance-2.0", "3s", "480p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 4, micros: 352_000, note: "3 s raised to 4 s: 0.088 × 4"),
        Case(
            input: q("seedance-2.0-fast", "10s", "720p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 10, micros: 1_520_000, note: "seedance 2.0 fast 0.152 × 10"),
        Case(
            input: q("seedance-1.5-pro", "12s", "1080p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 12, micros: 1_152_000, note: "seedance 1.5 pro before retirement 0.096 × 12"),
        // Kling.
        Case(
            input: q("kling-v4", "10s", "1080p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 10, micros: 2_940_000, note: "kling v4 0.294 × 10"),
        Case(
            input: q("kling-v4", "6s", "720p", audio: true), day: "2026-10-01", provider: .venice,
            billedSeconds: 10, micros: 1_960_000, note: "6 s snaps to 10 s: 0.196 × 10"),
        Case(
            input: q("kling-2.6-pro", "5s", "1080p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 5, micros: 387_500, note: "kling 2.6 pro 0.0775 × 5"),
        Case(
            input: q("kling-v3-std", "5s", "720p"), day: "2026-10-01", provider: .aigate,
            billedSeconds: 5, micros: 420_000, note: "kling v3 std silent 0.084 × 5"),
        Case(
            input: q("kling-v3-std", "10s", "720p", audio: true, n: 2), day: "2026-10-01", provider: .aigate,
            billedSeconds: 10, micros: 2_520_000, note: "kling v3 std with audio 0.126 × 10 × 2"),
        Case(
            input: q("kling-v3-pro", "15s", "720p", audio: true), day: "2026-10-01", provider: .aigate,
            billedSeconds: 15, micros: 2_520_000, note: "kling v3 pro with audio 0.168 × 15"),
        Case(
            input: q("kling-v3-pro", "3s", "720p"), day: "2026-10-01", provider: .aigate,
            billedSeconds: 3, micros: 336_000, note: "kling v3 pro silent 0.112 × 3"),
        Case(
            input: q("kling-2.5-turbo-pro", "10s", "1080p", n: 4), day: "2026-10-01", provider: .aimo,
            billedSeconds: 10, micros: 2_800_000, note: "kling-v2 0.07 × 10 × 4"),
        // Grok Imagine at three providers.
        Case(
            input: q("grok-imagine", "6s", "480p"), day: "2026-10-01", provider: .openAIVideos,
            billedSeconds: 6, micros: 300_000, note: "grok 480p 0.05 × 6"),
        Case(
            input: q("grok-imagine", "6s", "480p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 6, micros: 384_000, note: "grok 480p 0.064 × 6"),
        Case(
            input: q("grok-imagine", "auto", "720p"), day: "2026-10-01", provider: .nanoGPT,
            billedSeconds: 6, micros: 420_000, note: "auto = 6 s: 0.07 × 6"),
        // Vidu, MiniMax.
        Case(
            input: q("vidu-q3", "16s", "360p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 16, micros: 1_424_000, note: "vidu 0.089 × 16"),
        Case(
            input: q("vidu-q3", "1s", "1080p"), day: "2026-10-01", provider: .venice,
            billedSeconds: 1, micros: 195_000, note: "vidu 0.195 × 1"),
        Case(
            input: q("minimax-h3-hyper", "7s", "768P"), day: "2026-10-01", provider: .venice,
            billedSeconds: 10, micros: 305_000, note: "7 s snaps to 10 s: 0.0305 × 10"),
        // Sora, before its shutdown.
        Case(
            input: q("sora-2", "8", "720x1280"), day: "2026-09-01", provider: .openAIVideos,
            billedSeconds: 8, micros: 800_000, note: "sora-2 0.10 × 8"),
        Case(
            input: q("sora-2", "10", "720p"), day: "2026-09-23", provider: .nanoGPT,
            billedSeconds: 12, micros: 1_200_000, note: "10 s snaps to 12 s on the day before shutdown"),
        Case(
            input: q("sora-2-pro", "12", "1792x1024"), day: "2026-09-01", provider: .openAIVideos,
            billedSeconds: 12, micros: 6_000_000, note: "sora-2-pro 1024p 0.50 × 12"),
        Case(
            input: q("sora-2-pro", "20", "1080p"), day: "2026-09-01", provider: .openAIVideos,
            billedSeconds: 20, micros: 10_000_000, note: "sora-2-pro 1080p 0.50 × 20"),
    ]

    @Test(arguments: cases)
    func costMatchesHandComputation(_ testCase: Case) throws {
        let result = try SeedBooks.catalog.quote(testCase.input, on: testCase.day)
        let offer = try #require(
            result.offers.first { $0.provider == testCase.provider },
            "no \(testCase.provider) offer; rejections: \(result.rejections)")
        #expect(offer.costMicros == testCase.micros)
        #expect(offer.billedSeconds == testCase.billedSeconds)
        #expect(offer.breakdown.totalMicros == offer.costMicros)
        #expect(offer.breakdown.perVariantMicros * Int64(offer.breakdown.variants) == offer.costMicros)
        #expect(offer.priceBookVersion == SeedBooks.catalog.version)
    }

    @Test func offersAreRankedCheapestFirstWithStableTies() throws {
        let silent = try SeedBooks.catalog.quote(Self.q("veo-3.1-fast", 8, "1080p"))
        // The gateway cannot be asked for silence, so its silent quote is its with-audio price.
        #expect(silent.offers.map(\.provider) == [.aimo, .venice, .openAIVideos])
        #expect(silent.offers.map(\.costMicros) == [800_000, 880_000, 960_000])
        #expect(SeedBooks.catalog.cheapestOffer(for: silent.request) == silent.offers.first)
        let withAudio = try SeedBooks.catalog.quote(Self.q("veo-3.1-fast", 8, "1080p", audio: true))
        #expect(withAudio.offers.map(\.provider) == [.aimo, .openAIVideos])
        #expect(withAudio.offers.map(\.costMicros) == [960_000, 960_000])
        #expect(SeedBooks.catalog.cheapestOffer(for: withAudio.request) == withAudio.offers.first)
    }

    @Test func everyProviderHasTwoPricedModelsInForce() {
        let today = CalendarDay(iso: "2026-11-22")!
        for provider in ProviderID.allCases {
            let inForce = SeedBooks.catalog.models.filter { model in
                model.provider == provider && (model.retiredOn.map { today < $0 } ?? true)
                    && model.sheet(on: today) != nil
            }
            #expect(inForce.count >= 2, "\(provider) has \(inForce.count) models in force")
        }
    }

    @Test func breakdownShowsAudioHandling() throws {
        let withRate = try SeedBooks.catalog.quote(Self.q("veo-3.1", 8, "1080p", audio: true))
        #expect(withRate.offers.first?.breakdown.audio == .withAudioRate)
        let included = try SeedBooks.catalog.quote(Self.q("kling-v4", 5, "720p"))
        #expect(included.offers.first?.breakdown.audio == .included)
        let silent = try SeedBooks.catalog.quote(Self.q("wan-2.6", 5, "720p"))
        #expect(silent.offers.first?.breakdown.audio == AudioCharge.none)
    }
}
