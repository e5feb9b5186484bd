import Basics
import Testing

@testable import Pricing

/// Settlement's exact price for a job as the provider ran it.
struct ExactPriceTests {
    private let june = CalendarDay(iso: "2026-07-01")!

    @Test func billingRuleAppliesToReportedSeconds() throws {
        let catalog = try RuleBooks.catalog()
        let offer = try catalog.price(
            provider: .aimo, model: "surcharge-model", seconds: 11, resolution: .p720,
            audio: false, variants: 1, on: june)
        #expect(offer.billedSeconds == 15)
        #expect(offer.costMicros == 1_800_000)  // 0.12 × 15
    }

    @Test func perClipUsesTheShortestClipCoveringTheSeconds() throws {
        let catalog = try RuleBooks.catalog()
        let offer = try catalog.price(
            provider: .aimo, model: "clip-model", seconds: 6, resolution: .p720,
            audio: true, variants: 2, on: june)
        #expect(offer.clipSeconds == 10)
        #expect(offer.costMicros == 2_200_000)  // 1.10 × 2
        #expect(throws: ExactPriceError.notPriced(.durationTooLong(requestedSeconds: 11, longestSeconds: 10))) {
            try catalog.price(
                provider: .aimo, model: "clip-model", seconds: 11, resolution: .p720, audio: false,
                variants: 1, on: june)
        }
    }

    @Test func seedBookProviderSeconds() throws {
        // OpenAI-style gateway reports seconds: "8"; veo3.1-fast with audio, 1080p.
        let offer = try SeedBooks.catalog.price(
            provider: .openAIVideos, model: "veo3.1-fast", seconds: 8, resolution: .p1080,
            audio: true, variants: 1, on: june)
        #expect(offer.costMicros == 960_000)
        let kling = try SeedBooks.catalog.price(
            provider: .aigate, model: "klingai/kling-v3.0-t2v", quality: "std", seconds: 7,
            resolution: .p720, audio: false, variants: 1, on: june)
        #expect(kling.costMicros == 588_000)  // 0.084 × 7
    }

    @Test func refusals() throws {
        let catalog = try RuleBooks.catalog()
        #expect(throws: ExactPriceError.unknownModel(provider: .venice, model: "clip-model", quality: nil)) {
            try catalog.price(
                provider: .venice, model: "clip-model", seconds: 5, resolution: .p720, audio: false,
                variants: 1, on: june)
        }
        #expect(throws: ExactPriceError.notPriced(.retired(on: CalendarDay(iso: "2026-12-01")!))) {
            try catalog.price(
                provider: .aimo, model: "surcharge-model", seconds: 5, resolution: .p720, audio: false,
                variants: 1, on: CalendarDay(iso: "2026-12-24")!)
        }
        #expect(throws: ExactPriceError.notPriced(.audioNotOffered)) {
            try catalog.price(
                provider: .venice, model: "plain-model", seconds: 4, resolution: .p720, audio: true,
                variants: 1, on: june)
        }
        #expect(throws: ExactPriceError.secondsOutOfRange(0)) {
            try catalog.price(
                provider: .venice, model: "plain-model", seconds: 0, resolution: .p720, audio: false,
                variants: 1, on: june)
        }
    }
}
