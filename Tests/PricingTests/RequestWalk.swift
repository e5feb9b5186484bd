import Basics
import Providers

@testable import Pricing

/// Walks a price book entry against what its provider's adapter actually sends: every choice the
/// entry prices (resolution, aspect ratio, audio, `n`, tier, clip length) is quoted, the quote is
/// turned into the adapter's submit request, and the request is read back. Each priced choice
/// must be what the request says; where the request cannot say it (no such field), the entry
/// must declare it (`unrequestable`) and be priced as the provider renders it.
enum RequestWalk {
    /// One thing the entry prices that its request does not say.
    struct Finding: CustomStringConvertible, Equatable {
        let model: String
        let choice: String
        let problem: String

        var description: String { "\(model) [\(choice)]: \(problem)" }
    }

    /// The day to quote an entry on: 2026-10-01, or the day before it retires.
    static func day(for model: PricedModel) -> CalendarDay {
        let usual = CalendarDay(iso: "2026-10-01")!
        guard let retired = model.retiredOn, retired <= usual else { return usual }
        return CalendarDay(daysSinceEpoch: retired.daysSinceEpoch - 1)
    }

    static func findings(_ catalog: PriceCatalog) -> [Finding] {
        catalog.models.flatMap { findings(catalog, $0) }
    }

    static func findings(_ catalog: PriceCatalog, _ model: PricedModel) -> [Finding] {
        let name = "\(model.provider.rawValue) \(model.slug)" + (model.quality.map { " (\($0))" } ?? "")
        let day = day(for: model)
        guard let sheet = model.sheet(on: day) else {
            return [Finding(model: name, choice: "day \(day)", problem: "no price sheet in force")]
        }
        let ratios: [AspectRatio?] =
            model.aspectRatios.map { $0.members.map(Optional.some) }
            ?? ([nil] + AspectRatio.allCases.map(Optional.some))
        let lengths: [Int] =
            switch model.durations.choices {
            case .listed(let lengths): lengths
            case .range(let range): [range.lowerBound, model.durations.defaultSeconds, range.upperBound]
            }
        let audios = model.audio == .none ? [false] : [false, true]
        let base = Choice(
            resolution: sheet.offered.members[0], ratio: ratios[0], audio: false, variants: 1,
            seconds: model.durations.defaultSeconds)
        var choices: [Choice] = []
        for resolution in sheet.offered.members {
            for ratio in ratios {
                choices.append(
                    base.with {
                        $0.resolution = resolution
                        $0.ratio = ratio
                    })
            }
        }
        choices += audios.map { audio in base.with { $0.audio = audio } }
        choices += (1...model.variantsMax).map { variants in base.with { $0.variants = variants } }
        choices += lengths.map { seconds in base.with { $0.seconds = seconds } }
        return choices.flatMap { check(catalog, model, name: name, choice: $0, day: day) }
    }

    struct Choice: CustomStringConvertible {
        var resolution: Resolution
        var ratio: AspectRatio?
        var audio: Bool
        var variants: Int
        var seconds: Int

        func with(_ change: (inout Choice) -> Void) -> Choice {
            var copy = self
            change(&copy)
            return copy
        }

        var description: String {
            "\(resolution) \(ratio?.rawValue ?? "any ratio") \(audio ? "audio" : "silent") n=\(variants) \(seconds)s"
        }
    }

    private static func check(
        _ catalog: PriceCatalog, _ model: PricedModel, name: String, choice: Choice,
        day: CalendarDay
    ) -> [Finding] {
        var found: [Finding] = []
        func finding(_ problem: String) {
            found.append(Finding(model: name, choice: choice.description, problem: problem))
        }
        let input = QuoteInput(
            model: model.slug, provider: model.provider.rawValue, quality: model.quality,
            duration: .seconds(choice.seconds), resolution: choice.resolution.rawValue,
            aspectRatio: choice.ratio?.rawValue, audio: choice.audio, variants: choice.variants,
            pricedOn: day.description)
        let result: QuoteResult
        do {
            result = catalog.quote(try catalog.request(for: input))
        } catch {
            finding("the book's own choice does not make a quote request: \(error)")
            return found
        }
        guard let offer = result.offers.first else {
            finding(
                "priced in the book but not offered: \(result.rejections.map(\.description).joined(separator: "; "))")
            return found
        }
        let spec = WireRequests.spec(for: offer, aspectRatio: choice.ratio, variants: choice.variants)
        for request in WireRequests.submits(model.provider, spec) {
            let wire = WireChoices(WireRequests.fields(request))
            if wire.resolution != choice.resolution {
                finding(
                    "priced at \(choice.resolution), the request says \(wire.resolution?.rawValue ?? "no resolution")")
            }
            if let ratio = choice.ratio, !wire.frameMatches(ratio) {
                finding("priced at \(ratio), the request says \(wire)")
            }
            if wire.seconds != offer.clipSeconds {
                finding(
                    "priced for a \(offer.clipSeconds) s clip, the request says \(wire.seconds.map { "\($0) s" } ?? "no length")"
                )
            }
            if (wire.variants ?? 1) != choice.variants {
                finding("priced for n = \(choice.variants), the request says n = \(wire.variants ?? 1)")
            }
            if wire.quality != model.quality {
                finding("priced at quality \(model.quality ?? "none"), the request says \(wire.quality ?? "none")")
            }
            let pricedAudio = offer.breakdown.audio != .none
            switch (model.audio, wire.audio, model.unrequestableAudio) {
            case (.always, _, _):
                break  // audio is rendered and priced whatever the request says
            case (_, nil, nil):
                finding(
                    "the request cannot ask for audio or silence, and the book does not say what is rendered (unrequestable)"
                )
            case (_, nil, let fixed?):
                if pricedAudio != fixed.rendersAudio {
                    finding("priced \(pricedAudio ? "with" : "without") audio, renders the other")
                }
                if (choice.audio != fixed.rendersAudio) != (offer.repricedReason != nil) {
                    finding("a re-priced offer must give the reason, and only a re-priced one")
                }
            case (_, let sent?, nil):
                if sent != pricedAudio {
                    finding("priced \(pricedAudio ? "with" : "without") audio, the request says audio: \(sent)")
                }
            case (_, _?, _?):
                finding("declared unrequestable, but the request does carry an audio switch")
            }
        }
        return found
    }
}
