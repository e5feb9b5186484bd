import Basics
import Testing

@testable import Pricing

/// Prices over time: the sheet in force on a day, retirement, and old jobs priced on old books.
struct HistoryAndRetirementTests {
    @Test func theSheetInForceOnTheDayApplies() throws {
        let catalog = try RuleBooks.catalog()
        let input = QuoteInput(family: "fam-b", duration: 10, resolution: "720p", audio: true)
        #expect(try catalog.quote(input, on: "2026-05-31").offers.first?.costMicros == 1_200_000)  // (0.10 + 0.02) × 10
        #expect(try catalog.quote(input, on: "2026-06-01").offers.first?.costMicros == 1_500_000)  // (0.12 + 0.03) × 10
    }

    @Test func aResolutionAddedLaterIsRejectedBefore() throws {
        let catalog = try RuleBooks.catalog()
        let input = QuoteInput(family: "fam-b", duration: 3, resolution: "1080p")
        let before = try catalog.quote(input, on: "2026-03-01")
        #expect(before.offers.isEmpty)
        #expect(
            before.rejections.first { $0.provider == .aimo }?.reason
                == .resolutionNotOffered(.p1080, offered: ResolutionSet([.p720])))
        #expect(try catalog.quote(input, on: "2026-07-01").offers.first?.costMicros == 2_000_000)  // 0.20 × 10
    }

    @Test func retiredModelsAreNotOfferedFromTheirRetirementDay() throws {
        let catalog = try RuleBooks.catalog()
        let input = QuoteInput(family: "fam-b", duration: 5, resolution: "720p")
        #expect(try catalog.quote(input, on: "2026-11-30").offers.count == 1)
        let after = try catalog.quote(input, on: "2026-12-01")
        #expect(after.offers.isEmpty)
        #expect(after.rejections.contains { $0.reason == .retired(on: CalendarDay(iso: "2026-12-01")!) })
    }

    @Test func nothingIsPricedBeforeTheFirstSheet() throws {
        let catalog = try RuleBooks.catalog()
        let result = try catalog.quote(QuoteInput(family: "fam-b", duration: 5, resolution: "720p"), on: "2025-12-31")
        #expect(result.rejections.contains { $0.reason == .notYetPriced(from: CalendarDay(iso: "2026-01-01")!) })
    }

    @Test func soraIsExcludedAfterShutdownButOldJobsStillPrice() throws {
        let catalog = SeedBooks.catalog
        let input = QuoteInput(family: "sora-2", duration: 8, resolution: "720p")
        let now = try catalog.quote(input, on: "2026-11-22")
        #expect(now.offers.isEmpty)
        #expect(now.rejections.filter { $0.reason == .retired(on: CalendarDay(iso: "2026-09-24")!) }.count == 2)
        let old = try catalog.quote(input, on: "2026-09-23")
        #expect(old.offers.map(\.costMicros) == [800_000, 800_000])
        let settled = try catalog.price(
            provider: .openAIVideos, model: "sora-2", seconds: 8, resolution: .p720,
            audio: false, variants: 1, on: CalendarDay(iso: "2026-09-10")!)
        #expect(settled.costMicros == 800_000)
    }

    @Test func seedance15ProRetiresOnItsEndDate() throws {
        let input = QuoteInput(family: "seedance-1.5-pro", duration: 5, resolution: "720p")
        #expect(try SeedBooks.catalog.quote(input, on: "2026-11-09").offers.first?.costMicros == 215_000)  // 0.043 × 5
        #expect(try SeedBooks.catalog.quote(input, on: "2026-11-10").offers.isEmpty)
    }
}
