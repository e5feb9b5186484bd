import Testing

@testable import Pricing

/// Broken books are refused, each problem reported as `file:line: message`.
struct MalformedBookTests {
    struct Mutation: CustomTestStringConvertible, Sendable {
        let name: String
        let file: String
        let replace: String
        let with: String
        /// A marker of the line the problem must be reported at, in the mutated text.
        let marker: String
        let message: String
        /// Which occurrence of `marker` (a duplicate is reported at the second).
        var markerOccurrence = 1

        var testDescription: String { name }
    }

    static let mutations: [Mutation] = [
        Mutation(
            name: "missing rate", file: "venice.yaml", replace: #"720p: "0.05""#,
            with: #"720p: {source: "somewhere"}"#, marker: "720p:", message: "is missing a rate"),
        Mutation(
            name: "negative price", file: "venice.yaml", replace: #"720p: "0.05""#,
            with: #"720p: "-0.05""#, marker: "720p:", message: "must be greater than zero"),
        Mutation(
            name: "price with too many decimals", file: "venice.yaml", replace: #"720p: "0.05""#,
            with: #"720p: "0.0500001""#, marker: "720p:", message: "at most 6 decimals"),
        Mutation(
            name: "unknown key", file: "venice.yaml", replace: "    audio: none",
            with: "    audio: none\n    colour: red", marker: "colour", message: "unknown key 'colour'"),
        Mutation(
            name: "duplicate slug", file: "aimo.yaml", replace: "  - slug: surcharge-model",
            with: "  - slug: clip-model", marker: "- slug: clip-model", message: "duplicate model 'clip-model'",
            markerOccurrence: 2),
        Mutation(
            name: "family with no provider", file: "families.yaml", replace: "      aimo: surcharge-model",
            with: "      aimo: surcharge-model\n  fam-c:\n    name: \"C\"\n    providers: {}",
            marker: "providers: {}", message: "family 'fam-c' has no provider"),
        Mutation(
            name: "bad date", file: "aimo.yaml", replace: "effective_from: 2026-06-01",
            with: "effective_from: 2026-02-30", marker: "2026-02-30", message: "not a valid date"),
        Mutation(
            name: "retired before priced", file: "aimo.yaml", replace: "retired_at: 2026-12-01",
            with: "retired_at: 2025-12-01", marker: "retired_at", message: "is not after its first effective_from"),
        Mutation(
            name: "missing source", file: "venice.yaml",
            replace: "        source: \"fixture\"\n        as_of: 2026-01-01\n        rates:",
            with: "        as_of: 2026-01-01\n        rates:", marker: "- effective_from",
            message: "is missing 'source'"),
        Mutation(
            name: "inferred without reason", file: "aimo.yaml", replace: "        reason: \"fixture inference\"\n",
            with: "", marker: "- effective_from: 2026-06-01", message: "inferred: true but gives no 'reason'"),
        Mutation(
            name: "optional audio without an audio price", file: "aimo.yaml",
            replace: "        audio_surcharge_per_second: \"0.02\"\n", with: "",
            marker: #"720p: "0.10""#, message: "is missing a rate with audio"),
        Mutation(
            name: "unknown resolution", file: "venice.yaml", replace: #"720p: "0.05""#,
            with: #"721p: "0.05""#, marker: "721p", message: "unknown resolution '721p'"),
        Mutation(
            name: "per-clip prices not matching durations", file: "aimo.yaml",
            replace: #"per_clip: {5: "0.50", 10: "0.90"}"#, with: #"per_clip: {5: "0.50"}"#,
            marker: "per_clip: {", message: "must price exactly the listed durations"),
        Mutation(
            name: "family naming a missing model", file: "families.yaml", replace: "venice: plain-model",
            with: "venice: no-such-model", marker: "no-such-model", message: "has no model 'no-such-model'"),
        Mutation(
            name: "model in no family", file: "families.yaml", replace: "      venice: plain-model\n",
            with: "", marker: "", message: ""),
        Mutation(
            name: "unknown provider in families", file: "families.yaml", replace: "venice: plain-model",
            with: "venise: plain-model", marker: "venise", message: "unknown provider 'venise'"),
        Mutation(
            name: "durations not increasing", file: "venice.yaml", replace: "durations_seconds: [4, 8]",
            with: "durations_seconds: [8, 4]", marker: "durations_seconds", message: "strictly increasing"),
        Mutation(
            name: "invalid YAML", file: "venice.yaml", replace: "    modes: [t2v, i2v]",
            with: "    modes: [t2v, i2v", marker: "", message: "not valid YAML"),
        Mutation(
            name: "provider field disagrees with file", file: "venice.yaml", replace: "provider: venice",
            with: "provider: aimo", marker: "provider: aimo", message: "provider is 'aimo' but the file is venice.yaml"),
    ]

    @Test(arguments: mutations)
    func isRejectedWithFileAndLine(_ mutation: Mutation) throws {
        var files = RuleBooks.files
        let original = try #require(files[mutation.file])
        #expect(original.contains(mutation.replace), "fixture text to replace not found")
        let mutated = original.replacingOccurrences(of: mutation.replace, with: mutation.with)
        files[mutation.file] = mutated
        let error = #expect(throws: PriceCatalogLoadError.self) { try PriceCatalog.load(files: files) }
        let problems = try #require(error?.problems)
        if mutation.name == "model in no family" {
            let expected =
                "venice.yaml:\(line(of: "- slug: plain-model", in: RuleBooks.venice)): "
                + "model 'plain-model' is in no family in families.yaml"
            #expect(problems.map(\.description) == [expected])
            return
        }
        let matching = problems.filter { $0.file == mutation.file && $0.message.contains(mutation.message) }
        #expect(!matching.isEmpty, "problems: \(problems)")
        if !mutation.marker.isEmpty {
            let expectedLine = line(of: mutation.marker, in: mutated, occurrence: mutation.markerOccurrence)
            #expect(matching.contains { $0.line == expectedLine }, "expected line \(expectedLine): \(problems)")
            #expect(matching.first?.description.hasPrefix("\(mutation.file):\(expectedLine): ") == true)
        } else {
            #expect(matching.allSatisfy { $0.line > 0 })
        }
    }

    @Test func everyProblemIsReportedNotJustTheFirst() throws {
        var files = RuleBooks.files
        files["venice.yaml"] = RuleBooks.venice
            .replacingOccurrences(of: #"720p: "0.05""#, with: #"720p: "-1""#)
            .replacingOccurrences(of: "    audio: none", with: "    audio: none\n    colour: red")
        files["aimo.yaml"] = RuleBooks.aimo.replacingOccurrences(
            of: "effective_from: 2026-06-01", with: "effective_from: June")
        let error = #expect(throws: PriceCatalogLoadError.self) { try PriceCatalog.load(files: files) }
        let problemFiles = Set(error?.problems.map(\.file) ?? [])
        #expect(problemFiles == ["venice.yaml", "aimo.yaml"])
        #expect((error?.problems.count ?? 0) >= 3)
    }

    @Test func unknownFilesAndAMissingFamiliesFileAreRefused() {
        let error = #expect(throws: PriceCatalogLoadError.self) {
            try PriceCatalog.load(files: ["venice.yaml": RuleBooks.venice, "fal.yaml": "provider: fal"])
        }
        let messages = error?.problems.map(\.description) ?? []
        #expect(messages.contains { $0.hasPrefix("fal.yaml:0: unknown price book file") })
        #expect(messages.contains { $0.hasPrefix("families.yaml:0: missing") })
    }

    @Test func theSeedBooksPassTheirOwnCheck() throws {
        let catalog = try PriceCatalog.load(directory: SeedBooks.directory)
        #expect(catalog.families.allSatisfy { !$0.modelIndices.isEmpty })
        #expect(catalog.models.count == catalog.families.reduce(0) { $0 + $1.modelIndices.count })
    }
}
