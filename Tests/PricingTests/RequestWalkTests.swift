import ProviderRegistry
import Testing

@testable import Pricing

/// Every price book entry against what its adapter can actually send (`RequestWalk`).
struct RequestWalkTests {
    struct Entry: CustomTestStringConvertible, Sendable {
        let index: Int
        var testDescription: String {
            let model = SeedBooks.catalog.models[index]
            return "\(model.provider.rawValue) \(model.slug)" + (model.quality.map { " (\($0))" } ?? "")
        }
    }

    static let entries = SeedBooks.catalog.models.indices.map(Entry.init)

    @Test(arguments: entries)
    func everyPricedChoiceIsWhatTheRequestSays(_ entry: Entry) {
        let findings = RequestWalk.findings(SeedBooks.catalog, SeedBooks.catalog.models[entry.index])
        #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    }

    @Test func theWalkCoversEveryEntryOfEveryBook() {
        #expect(Self.entries.count == SeedBooks.catalog.models.count)
        #expect(Set(SeedBooks.catalog.models.map(\.provider)) == Set(ProviderID.allCases))
    }

    /// A families file with one family `fam` made of these provider models.
    static func families(_ members: [String: String]) -> String {
        "families:\n  fam:\n    name: \"F\"\n    providers:\n"
            + members.sorted { $0.key < $1.key }.map { "      \($0.key): \($0.value)\n" }.joined()
    }

    static func book(
        _ provider: String, _ slug: String, audio: String, extra: String = "", limits: String = "",
        variantsMax: Int = 1, rate: String = "{per_second: \"0.10\", per_second_with_audio: \"0.20\"}"
    ) -> String {
        """
        provider: \(provider)
        models:
          - slug: \(slug)
            modes: [t2v]
            audio: \(audio)
        \(extra)
            limits:
              durations_seconds: [4, 8]
              default_seconds: 4
              variants_max: \(variantsMax)
        \(limits)
              source: "fixture"
              as_of: 2026-01-01
            prices:
              - effective_from: 2026-01-01
                source: "fixture"
                as_of: 2026-01-01
                rates:
                  720p: \(rate)
        """
    }

    static let declaredAudio = """
            unrequestable:
              audio:
                renders: with_audio
                reason: "no audio field"
        """

    static func walk(_ files: [String: String]) throws -> [RequestWalk.Finding] {
        RequestWalk.findings(try PriceCatalog.load(files: files))
    }

    @Test func aSilentPriceTheGatewayCannotAskForIsFound() throws {
        let findings = try Self.walk([
            "families.yaml": Self.families(["openai-videos": "gw-model"]),
            "openai-videos.yaml": Self.book(
                "openai-videos", "gw-model", audio: "optional", limits: "      aspect_ratios: [\"16:9\"]"),
        ])
        #expect(findings.contains { $0.problem.contains("cannot ask for audio or silence") })
        #expect(findings.allSatisfy { $0.model == "openai-videos gw-model" })
    }

    @Test func declaringWhatTheGatewayRendersSatisfiesTheWalkAndRepricesSilence() throws {
        let files = [
            "families.yaml": Self.families(["openai-videos": "gw-model"]),
            "openai-videos.yaml": Self.book(
                "openai-videos", "gw-model", audio: "optional", extra: Self.declaredAudio,
                limits: "      aspect_ratios: [\"16:9\", \"9:16\", \"1:1\"]", variantsMax: 2),
        ]
        #expect(try Self.walk(files).isEmpty)
        let offer = try #require(
            try PriceCatalog.load(files: files)
                .quote(QuoteInput(family: "fam", duration: 4, resolution: "720p", audio: false)).offers.first)
        #expect(offer.costMicros == 800_000)  // 0.20 with audio × 4, not 0.10 × 4
        #expect(offer.breakdown.audio == .withAudioRate)
        #expect(offer.repricedReason == "no audio field")
    }

    @Test func anAspectRatioTheGatewayCannotSizeIsFound() throws {
        let findings = try Self.walk([
            "families.yaml": Self.families(["openai-videos": "gw-model"]),
            "openai-videos.yaml": Self.book("openai-videos", "gw-model", audio: "always", rate: "\"0.10\""),
        ])
        // No aspect_ratios: every ratio is priced, and the gateway's size carries only 16:9, 9:16 and 1:1.
        let unsized = Set(
            findings.compactMap { finding in
                AspectRatio.allCases.first { finding.choice.contains(" \($0.rawValue) ") }
            })
        #expect(unsized == Set(AspectRatio.allCases).subtracting([.r16x9, .r9x16, .square]))
    }

    @Test func variantsAProviderCannotBeAskedForAreFound() throws {
        let findings = try Self.walk([
            "families.yaml": Self.families(["nanogpt": "ng-model"]),
            "nanogpt.yaml": Self.book("nanogpt", "ng-model", audio: "none", variantsMax: 2, rate: "\"0.10\""),
        ])
        #expect(findings.map(\.problem) == ["priced for n = 2, the request says n = 1"])
    }

    @Test func aDeclarationTheRequestContradictsIsFound() throws {
        let findings = try Self.walk([
            "families.yaml": Self.families(["venice": "vn-model"]),
            "venice.yaml": Self.book("venice", "vn-model", audio: "optional", extra: Self.declaredAudio),
        ])
        #expect(!findings.isEmpty)
        #expect(findings.allSatisfy { $0.problem.contains("declared unrequestable") })
    }
}
