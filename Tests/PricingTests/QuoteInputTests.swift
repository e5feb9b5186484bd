import Basics
import Testing

@testable import Pricing

/// Bad requests fail with a typed error that names the field and what it accepts.
struct QuoteInputTests {
    let catalog = SeedBooks.catalog

    private func error(_ input: QuoteInput) -> QuoteInputError? {
        #expect(throws: QuoteInputError.self) { try catalog.request(for: input) }
    }

    private func base(_ change: (inout QuoteInput) -> Void) -> QuoteInput {
        var input = QuoteInput(family: "veo-3.1-fast", duration: "8s", resolution: "1080p")
        change(&input)
        return input
    }

    @Test func durationForms() throws {
        let forms: [(DurationInput, Int)] = [(.text("5s"), 5), (.text("5"), 5), (.seconds(5), 5), (.text(" 12S "), 12)]
        for (form, seconds) in forms {
            #expect(try catalog.request(for: base { $0.duration = form }).duration == .seconds(seconds))
        }
        #expect(try catalog.request(for: base { $0.duration = "auto" }).duration == .auto)
        #expect(try catalog.request(for: base { $0.duration = "Auto" }).duration == .auto)
    }

    @Test func badDurations() {
        #expect(error(base { $0.duration = 0 }) == .durationNotPositive(0))
        #expect(error(base { $0.duration = "-5s" }) == .durationNotPositive(-5))
        #expect(error(base { $0.duration = 601 }) == .durationTooLong(601))
        #expect(error(base { $0.duration = "five" }) == .durationNotANumber("five"))
        #expect(error(base { $0.duration = "5.5s" }) == .durationNotANumber("5.5s"))
        #expect(error(base { $0.duration = "" }) == .durationNotANumber(""))
        #expect(error(base { $0.duration = 0 })?.field == "duration")
        #expect(error(base { $0.duration = 601 })?.accepted.contains("1...600") == true)
    }

    @Test func unknownFamilyListsTheFamilies() {
        let failure = error(base { $0.family = "veo-9" })
        #expect(failure?.field == "family")
        #expect(failure?.accepted.contains("veo-3.1-fast") == true)
        #expect(error(base { $0.family = nil }) == .missingFamilyOrModel)
    }

    @Test func unknownModelAndProvider() {
        #expect(
            error(
                base {
                    $0.family = nil
                    $0.model = "veo-99"
                }) == .unknownModel("veo-99", provider: nil))
        #expect(
            error(
                base {
                    $0.family = nil
                    $0.model = "sora-2"
                    $0.provider = "venice"
                }) == .unknownModel("sora-2", provider: .venice))
        #expect(error(base { $0.provider = "fal" })?.field == "provider")
        #expect(
            error(
                base {
                    $0.family = nil
                    $0.model = "klingai/kling-v3.0-t2v"
                }) == .ambiguousModel("klingai/kling-v3.0-t2v", qualities: ["pro", "std"]))
        #expect(
            error(
                base {
                    $0.family = nil
                    $0.model = "klingai/kling-v3.0-t2v"
                    $0.quality = "max"
                })?.field == "quality")
    }

    @Test func resolutionsAndAspectRatios() throws {
        #expect(error(base { $0.resolution = "8k" }) == .unknownResolution("8k"))
        #expect(error(base { $0.resolution = nil }) == .missingResolution)
        #expect(error(base { $0.resolution = "8k" })?.accepted.contains("1080p") == true)
        #expect(error(base { $0.aspectRatio = "7:5" }) == .unknownAspectRatio("7:5"))
        #expect(try catalog.request(for: base { $0.resolution = "1080x1920" }).aspectRatio == .r9x16)
        #expect(try catalog.request(for: base { $0.resolution = "2160p" }).resolution == .k4)
        #expect(try catalog.request(for: base { $0.aspectRatio = "auto" }).aspectRatio == nil)
    }

    @Test func variantsOutOfRange() {
        #expect(error(base { $0.variants = 0 }) == .variantsOutOfRange(0))
        #expect(error(base { $0.variants = 17 }) == .variantsOutOfRange(17))
        #expect(error(base { $0.variants = 17 })?.description == "n: 17 variants is out of range; accepted: 1...16")
    }

    @Test func contradictoryFields() {
        let familyVsModel = error(base { $0.model = "sora-2" })
        #expect(familyVsModel?.field == "model")
        #expect(familyVsModel?.description.contains("is in family sora-2, not 'veo-3.1-fast'") == true)
        let sizeVsRatio = error(
            base {
                $0.resolution = "1920x1080"
                $0.aspectRatio = "9:16"
            })
        #expect(sizeVsRatio?.field == "aspect_ratio")
    }

    @Test func modeAndDate() throws {
        #expect(error(base { $0.mode = "t2i" }) == .unknownMode("t2i"))
        #expect(try catalog.request(for: base { $0.mode = "image-to-video" }).mode == .i2v)
        #expect(error(base { $0.pricedOn = "2026-13-01" }) == .badDate("2026-13-01"))
    }

    @Test func aModelAloneGivesItsFamily() throws {
        let request = try catalog.request(for: QuoteInput(model: "veo3.1-fast", duration: 8, resolution: "720p"))
        #expect(request.family == "veo-3.1-fast")
        #expect(catalog.quote(request).offers.map(\.provider) == [.openAIVideos])
    }

    @Test func calendarDays() {
        #expect(CalendarDay(iso: "1970-01-01")?.daysSinceEpoch == 0)
        #expect(CalendarDay(iso: "2026-09-24")?.description == "2026-09-24")
        #expect(CalendarDay(iso: "2024-02-29") != nil)
        #expect(CalendarDay(iso: "2026-02-29") == nil)
        #expect(CalendarDay(iso: "2026-9-24") == nil)
        #expect(CalendarDay(iso: "2000-03-01")!.daysSinceEpoch - CalendarDay(iso: "2000-02-28")!.daysSinceEpoch == 2)
    }
}
