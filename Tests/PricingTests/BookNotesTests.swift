import Basics
import Foundation
import ProviderRegistry
import Testing

@testable import Pricing

/// Books with every note: conflicting sources (on an entry and on one rate), an unconfirmed and
/// a confirmed retirement, audio the provider's request cannot switch.
enum NoteBooks {
    static let families = """
        families:
          fam-n:
            name: "Noted"
            providers:
              aimo: noted-model
              venice: quiet-model
        """

    static let aimo = """
        provider: aimo
        models:
          - slug: noted-model
            modes: [t2v]
            audio: optional
            retiring:
              date: 2026-10-22
              confirmed: false
              source: "fixture announcement"
              as_of: 2026-10-05
            limits:
              durations_seconds: [4, 8]
              default_seconds: 8
              variants_max: 2
              source: "fixture"
              as_of: 2026-01-01
            prices:
              - effective_from: 2026-01-01
                source: "fixture source A"
                as_of: 2026-01-01
                conflict:
                  reason: "fixture: the higher figure is quoted"
                  others:
                    - price: "0.35"
                      source: "fixture source B"
                      as_of: 2026-02-01
                rates:
                  720p: {per_second: "0.50", per_second_with_audio: "0.70"}
        """

    static let venice = """
        provider: venice
        models:
          - slug: quiet-model
            modes: [t2v]
            audio: optional
            unrequestable:
              audio:
                renders: silent
                reason: "fixture: the request has no audio field"
            retiring:
              date: 2026-11-10
              confirmed: true
              source: "fixture end-of-life page"
              as_of: 2026-08-22
            limits:
              durations_seconds: [5, 10]
              default_seconds: 5
              variants_max: 1
              source: "fixture"
              as_of: 2026-01-01
            prices:
              - effective_from: 2026-01-01
                source: "fixture"
                as_of: 2026-01-01
                rates:
                  720p: {per_second: "0.10", per_second_with_audio: "0.20"}
                  1080p:
                    per_second: "0.20"
                    per_second_with_audio: "0.30"
                    conflict:
                      reason: "fixture: only a 'from' price"
        """

    static var files: [String: String] { ["families.yaml": families, "aimo.yaml": aimo, "venice.yaml": venice] }

    static func catalog() throws -> PriceCatalog { try PriceCatalog.load(files: files) }
}

struct BookNotesTests {
    static func offer(
        _ catalog: PriceCatalog, _ provider: ProviderID, resolution: String = "720p", audio: Bool = false,
        on day: String
    ) throws -> Offer? {
        try catalog.quote(
            QuoteInput(
                family: "fam-n", provider: provider.rawValue, duration: .auto, resolution: resolution,
                audio: audio), on: day
        ).offers.first
    }

    // MARK: - Conflicting sources

    @Test func anOfferOnConflictingSourcesSaysSoWithBothFigures() throws {
        let offer = try #require(try Self.offer(NoteBooks.catalog(), .aimo, on: "2026-10-01"))
        #expect(offer.hasConflict)
        #expect(offer.conflict?.reason == "fixture: the higher figure is quoted")
        #expect(
            offer.conflict?.others == [
                ConflictingFigure(
                    micros: 350_000, source: "fixture source B",
                    asOf: CalendarDay(iso: "2026-02-01")!)
            ])
        #expect(offer.costMicros == 4_000_000)  // the quoted figure, 0.50 × 8
        #expect(offer.provenance.source == "fixture source A")
    }

    @Test func aConflictOnOneRateFlagsOnlyThatRate() throws {
        let catalog = try NoteBooks.catalog()
        let plain = try #require(try Self.offer(catalog, .venice, resolution: "720p", on: "2026-06-01"))
        let from = try #require(try Self.offer(catalog, .venice, resolution: "1080p", on: "2026-06-01"))
        #expect(!plain.hasConflict)
        #expect(from.conflict == PriceConflict(reason: "fixture: only a 'from' price", others: []))
    }

    @Test func theConflictFlagIsInTheJSON() throws {
        let catalog = try NoteBooks.catalog()
        let result = try catalog.quote(
            QuoteInput(family: "fam-n", duration: .auto, resolution: "720p"), on: "2026-06-01")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try #require(try JSONSerialization.jsonObject(with: encoder.encode(result)) as? [String: Any])
        let offers = try #require(json["offers"] as? [[String: Any]])
        let conflicted = try #require(offers.first { $0["provider"] as? String == "aimo" })
        let plain = try #require(offers.first { $0["provider"] as? String == "venice" })
        #expect(conflicted["conflict"] as? Bool == true)
        #expect(conflicted["conflict_reason"] as? String == "fixture: the higher figure is quoted")
        let others = try #require(conflicted["conflicting_prices"] as? [[String: Any]])
        #expect(others.count == 1)
        #expect(others.first?["price_usd"] as? String == "0.350000")
        #expect(others.first?["source"] as? String == "fixture source B")
        #expect(others.first?["as_of"] as? String == "2026-02-01")
        #expect(plain["conflict"] as? Bool == false)
        #expect(plain["conflict_reason"] == nil && plain["conflicting_prices"] == nil)
    }

    @Test(arguments: [
        ("veo-2", ProviderID.nanoGPT, "720p"), ("kling-2.6-pro", .venice, "1080p"),
        ("minimax-h3-hyper", .venice, "768p"),
    ])
    func theSeedBooksFlagTheirConflictingAndFromPrices(_ family: String, _ provider: ProviderID, _ resolution: String)
        throws
    {
        let result = try SeedBooks.catalog.quote(QuoteInput(family: family, duration: .auto, resolution: resolution))
        let offer = try #require(result.offers.first { $0.provider == provider })
        #expect(offer.hasConflict)
        #expect(offer.conflict?.reason.isEmpty == false)
    }

    @Test func veo2RecordsBothLiteLLMFiguresAndQuotesTheHigher() throws {
        let offer = try #require(
            try SeedBooks.catalog.quote(QuoteInput(family: "veo-2", duration: 5, resolution: "720p")).offers.first)
        #expect(offer.breakdown.rateMicros == 500_000)
        #expect(offer.provenance.source.contains("LiteLLM 1.106.10"))
        #expect(offer.conflict?.others.map(\.micros) == [350_000])
        #expect(offer.conflict?.others.first?.source.contains("@00035b69") == true)
    }

    @Test func pricesWithOneSourceCarryNoConflict() throws {
        let offers = try SeedBooks.catalog.quote(QuoteInput(family: "veo-3.1", duration: 8, resolution: "1080p")).offers
        #expect(!offers.isEmpty)
        #expect(offers.allSatisfy { !$0.hasConflict })
    }

    // MARK: - Announced retirements

    @Test(arguments: [
        ("2026-10-04", false), ("2026-10-05", true), ("2026-10-21", true), ("2026-10-22", true), ("2026-12-01", true),
    ])
    func anUnconfirmedRetirementIsAnnouncedFromItsSourceDateAndNeverRefuses(_ day: String, _ announced: Bool) throws {
        let offer = try #require(
            try Self.offer(NoteBooks.catalog(), .aimo, on: day), "an unconfirmed date does not retire")
        #expect((offer.retiring != nil) == announced)
        if announced {
            #expect(
                offer.retiring
                    == RetirementNotice(
                        on: CalendarDay(iso: "2026-10-22")!, confirmed: false,
                        source: "fixture announcement", asOf: CalendarDay(iso: "2026-10-05")!))
        }
    }

    @Test func aConfirmedRetirementIsAnnouncedBeforeAndRefusedFromItsDate() throws {
        let catalog = try NoteBooks.catalog()
        #expect(try Self.offer(catalog, .venice, on: "2026-08-21")?.retiring == nil)
        #expect(try Self.offer(catalog, .venice, on: "2026-08-22")?.retiring?.confirmed == true)
        #expect(try Self.offer(catalog, .venice, on: "2026-11-09")?.retiring?.on == CalendarDay(iso: "2026-11-10"))
        let after = try catalog.quote(
            QuoteInput(family: "fam-n", provider: "venice", resolution: "720p"), on: "2026-11-10")
        #expect(after.offers.isEmpty)
        #expect(after.rejections.map(\.reason) == [.retired(on: CalendarDay(iso: "2026-11-10")!)])
        // Settling a job run before the date still prices, with the notice; after it, it does not.
        let settled = try catalog.price(
            provider: .venice, model: "quiet-model", seconds: 5, resolution: .p720, audio: false,
            variants: 1, on: CalendarDay(iso: "2026-11-09")!)
        #expect(settled.costMicros == 500_000)
        #expect(settled.retiring?.confirmed == true)
        #expect(throws: ExactPriceError.notPriced(.retired(on: CalendarDay(iso: "2026-11-10")!))) {
            try catalog.price(
                provider: .venice, model: "quiet-model", seconds: 5, resolution: .p720, audio: false,
                variants: 1, on: CalendarDay(iso: "2026-11-10")!)
        }
    }

    @Test func veo31QuotesSayItIsAnnouncedToRetireButStayOffered() throws {
        let input = QuoteInput(family: "veo-3.1", duration: 8, resolution: "1080p")
        let before = try SeedBooks.catalog.quote(input, on: "2026-10-04").offers
        let within = try SeedBooks.catalog.quote(input, on: "2026-10-05").offers
        let after = try SeedBooks.catalog.quote(input, on: "2026-11-22").offers
        #expect(before.count == 3 && before.allSatisfy { $0.retiring == nil })
        #expect(within.count == 3 && within.allSatisfy { $0.retiring?.on == CalendarDay(iso: "2026-10-22") })
        #expect(after.count == 3 && after.allSatisfy { $0.retiring?.confirmed == false })
    }

    @Test func seedance15ProIsAnnouncedUntilItsConfirmedEnd() throws {
        let input = QuoteInput(family: "seedance-1.5-pro", duration: 5, resolution: "720p")
        #expect(try SeedBooks.catalog.quote(input, on: "2026-08-21").offers.first?.retiring == nil)
        #expect(try SeedBooks.catalog.quote(input, on: "2026-11-09").offers.first?.retiring?.confirmed == true)
        #expect(try SeedBooks.catalog.quote(input, on: "2026-11-10").offers.isEmpty)
    }

    // MARK: - Choices the request cannot express

    @Test func audioTheRequestCannotAskForIsRefusedWhenSilenceIsRendered() throws {
        let catalog = try NoteBooks.catalog()
        let silent = try #require(try Self.offer(catalog, .venice, on: "2026-06-01"))
        #expect(silent.costMicros == 500_000 && silent.repricedReason == nil)
        let withAudio = try catalog.quote(
            QuoteInput(family: "fam-n", provider: "venice", resolution: "720p", audio: true),
            on: "2026-06-01")
        #expect(withAudio.offers.isEmpty)
        #expect(withAudio.rejections.map(\.reason) == [.audioNotRequestable])
        #expect(throws: ExactPriceError.notPriced(.audioNotRequestable)) {
            try catalog.price(
                provider: .venice, model: "quiet-model", seconds: 5, resolution: .p720, audio: true,
                variants: 1, on: CalendarDay(iso: "2026-06-01")!)
        }
    }

    @Test func silenceTheGatewayCannotAskForIsPricedWithAudioAndSaysWhy() throws {
        let input = QuoteInput(
            family: "veo-3.1", provider: "openai-videos", duration: 8, resolution: "720p", audio: false)
        let offer = try #require(try SeedBooks.catalog.quote(input).offers.first)
        #expect(offer.costMicros == 3_200_000)  // 0.40 with audio, not the 0.20 silent rate
        #expect(offer.breakdown.audio == .withAudioRate)
        #expect(offer.audio == false)
        #expect(offer.repricedReason?.contains("no audio field") == true)
        // Settlement prices what was rendered, too.
        let settled = try SeedBooks.catalog.price(
            provider: .openAIVideos, model: "veo3.1", seconds: 8, resolution: .p720,
            audio: false, variants: 1, on: CalendarDay(iso: "2026-10-01")!)
        #expect(settled.costMicros == 3_200_000)
        #expect(settled.repricedReason != nil)
        let asked = try #require(
            try SeedBooks.catalog.quote(
                QuoteInput(family: "veo-3.1", provider: "openai-videos", duration: 8, resolution: "720p", audio: true)
            ).offers.first)
        #expect(asked.costMicros == 3_200_000 && asked.repricedReason == nil)
    }

    @Test func sora2ProIsLimitedToItsSizes() throws {
        let square = try SeedBooks.catalog.quote(
            QuoteInput(family: "sora-2-pro", duration: 4, resolution: "720p", aspectRatio: "1:1"), on: "2026-09-01")
        #expect(square.offers.isEmpty)
        #expect(
            square.rejections.first { $0.provider == .openAIVideos }?.reason
                == .aspectRatioNotOffered(.square, offered: AspectRatioSet([.r16x9, .r9x16])))
        let portrait = try SeedBooks.catalog.quote(
            QuoteInput(family: "sora-2-pro", duration: 4, resolution: "1080x1920"),
            on: "2026-09-01")
        #expect(portrait.offers.first?.costMicros == 2_000_000)  // 0.50 × 4
    }

    @Test func aProviderOfferingThroughOneRouteIsNotListedAsRejectingThroughAnother() throws {
        let fourK = try SeedBooks.catalog.quote(
            QuoteInput(family: "veo-3.1", provider: "openai-videos", duration: 8, resolution: "4k"))
        #expect(fourK.offers.map(\.providerModel) == ["veo3.1-4k"])
        #expect(fourK.rejections.isEmpty)
        let hd = try SeedBooks.catalog.quote(
            QuoteInput(family: "veo-3.1", provider: "openai-videos", duration: 8, resolution: "720p"))
        #expect(hd.offers.map(\.providerModel) == ["veo3.1"])
        #expect(hd.rejections.isEmpty)
        let none = try SeedBooks.catalog.quote(
            QuoteInput(family: "veo-3.1", provider: "openai-videos", duration: 8, resolution: "480p"))
        #expect(none.rejections.compactMap(\.providerModel).sorted() == ["veo3.1", "veo3.1-4k"])
    }

    // MARK: - Malformed notes

    struct Mutation: CustomTestStringConvertible, Sendable {
        let name: String
        let file: String
        let replace: String
        let with: String
        /// A marker of the line the problem must be reported at, in the mutated text.
        let marker: String
        let message: String

        var testDescription: String { name }
    }

    static let mutations: [Mutation] = [
        Mutation(
            name: "retiring without a date", file: "aimo.yaml", replace: "      date: 2026-10-22\n", with: "",
            marker: "confirmed: false", message: "retiring is missing 'date'"),
        Mutation(
            name: "retiring not saying whether confirmed", file: "aimo.yaml", replace: "      confirmed: false\n",
            with: "",
            marker: "date: 2026-10-22", message: "retiring is missing 'confirmed'"),
        Mutation(
            name: "retired_at beside retiring", file: "aimo.yaml", replace: "    retiring:",
            with: "    retired_at: 2026-12-01\n    retiring:", marker: "date: 2026-10-22",
            message: "has both retired_at and retiring"),
        Mutation(
            name: "renders neither with_audio nor silent", file: "venice.yaml", replace: "renders: silent",
            with: "renders: sometimes", marker: "renders:", message: "must be with_audio or silent"),
        Mutation(
            name: "unrequestable audio on a silent-only model", file: "venice.yaml",
            replace: "    audio: optional", with: "    audio: none", marker: "renders:",
            message: "needs audio: optional"),
        Mutation(
            name: "unrequestable field other than audio", file: "venice.yaml", replace: "      audio:\n        renders",
            with: "      n:\n        renders", marker: "n:", message: "unknown key 'n'"),
        Mutation(
            name: "conflict without a reason", file: "aimo.yaml",
            replace: "          reason: \"fixture: the higher figure is quoted\"\n",
            with: "", marker: "others:", message: "conflict is missing 'reason'"),
        Mutation(
            name: "conflicting figure without a source", file: "aimo.yaml",
            replace: "              source: \"fixture source B\"\n",
            with: "", marker: "- price:", message: "other price is missing 'source'"),
        Mutation(
            name: "other figures on an entry with several rates", file: "aimo.yaml",
            replace: "          720p: {per_second: \"0.50\", per_second_with_audio: \"0.70\"}",
            with:
                "          720p: {per_second: \"0.50\", per_second_with_audio: \"0.70\"}\n          1080p: {per_second: \"0.60\", per_second_with_audio: \"0.80\"}",
            marker: "reason: \"fixture: the higher", message: "put the conflict on the rate it concerns"),
    ]

    @Test(arguments: mutations)
    func aMalformedNoteIsRejectedWithFileAndLine(_ mutation: Mutation) throws {
        var files = NoteBooks.files
        let original = try #require(files[mutation.file])
        #expect(original.contains(mutation.replace), "fixture text to replace not found")
        let mutated = original.replacingOccurrences(of: mutation.replace, with: mutation.with)
        files[mutation.file] = mutated
        let error = #expect(throws: PriceCatalogLoadError.self) { try PriceCatalog.load(files: files) }
        let problems = try #require(error?.problems)
        let expectedLine = line(of: mutation.marker, in: mutated)
        #expect(
            problems.contains {
                $0.file == mutation.file && $0.line == expectedLine && $0.message.contains(mutation.message)
            },
            "expected '\(mutation.message)' at \(mutation.file):\(expectedLine): \(problems)")
    }

    // MARK: - Warnings (`pricing check`)

    @Test func everyNoteIsAWarningAtItsFileAndLine() throws {
        let warnings = try NoteBooks.catalog().warnings
        let expected: [(String, Int, String)] = [
            ("aimo.yaml", line(of: "retiring:", in: NoteBooks.aimo), "announced to retire on 2026-10-22 (unconfirmed)"),
            ("aimo.yaml", line(of: "conflict:", in: NoteBooks.aimo), "sources conflict"),
            ("venice.yaml", line(of: "retiring:", in: NoteBooks.venice), "from 2026-11-10 it is refused"),
            ("venice.yaml", line(of: "720p:", in: NoteBooks.venice), "the with audio price cannot be requested"),
            ("venice.yaml", line(of: "1080p:", in: NoteBooks.venice), "the with audio price cannot be requested"),
            ("venice.yaml", line(of: "conflict:", in: NoteBooks.venice), "uncertain price"),
        ]
        #expect(warnings.count == expected.count, "\(warnings)")
        for (file, lineNumber, text) in expected {
            #expect(
                warnings.contains { $0.file == file && $0.line == lineNumber && $0.message.contains(text) },
                "no warning '\(text)' at \(file):\(lineNumber) in \(warnings)")
        }
        #expect(
            warnings.first?.warningDescription.hasPrefix(
                "aimo.yaml:\(line(of: "retiring:", in: NoteBooks.aimo)): warning: model 'noted-model' is announced")
                == true)
    }

    @Test func theSeedBooksWarnOfEveryConflictRetirementAndUnrequestablePrice() throws {
        var lines: [String: [String]] = [:]
        for name in ["aimo.yaml", "openai-videos.yaml", "venice.yaml", "nanogpt.yaml", "aigate.yaml"] {
            let text = try String(contentsOfFile: SeedBooks.directory + "/" + name, encoding: .utf8)
            lines[name] = text.components(separatedBy: "\n")
        }
        func at(_ warning: PriceBookProblem) -> String { lines[warning.file]?[warning.line - 1] ?? "" }
        let warnings = SeedBooks.catalog.warnings
        let conflicts = warnings.filter { $0.message.contains("conflict: true") }
        let retiring = warnings.filter { $0.message.contains("announced to retire") }
        let unrequestable = warnings.filter { $0.message.contains("cannot be requested") }
        #expect(conflicts.count == 3 && conflicts.allSatisfy { at($0).contains("conflict:") })
        #expect(retiring.count == 8 && retiring.allSatisfy { at($0).contains("retiring:") })
        // veo3.1-fast and veo3.1 at 720p and 1080p, veo3.1-4k at 4k: each silent rate.
        #expect(unrequestable.count == 5 && unrequestable.allSatisfy { at($0).contains("per_second_with_audio") })
        #expect(Set(unrequestable.map(\.file)) == ["openai-videos.yaml"])
        #expect(warnings.count == conflicts.count + retiring.count + unrequestable.count)
    }
}
