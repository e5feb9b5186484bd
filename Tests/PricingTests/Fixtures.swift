import Foundation
import Testing

@testable import Pricing

/// The real price books in `pricing/`, loaded once per test process.
enum SeedBooks {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("pricing").path

    static let catalog: PriceCatalog = {
        do {
            return try PriceCatalog.load(directory: directory)
        } catch {
            fatalError("the seed price books must load:\n\(error)")
        }
    }()
}

/// Small books that exercise every price rule: per-clip prices with and without audio, an audio
/// surcharge, billing increments and minimums, price history, retirement, aspect ratios.
enum RuleBooks {
    static let families = """
        families:
          fam-a:
            name: "Family A"
            providers:
              aimo: clip-model
              venice: plain-model
          fam-b:
            name: "Family B"
            providers:
              aimo: surcharge-model
        """

    static let aimo = """
        provider: aimo
        models:
          - slug: clip-model
            modes: [t2v]
            audio: optional
            limits:
              durations_seconds: [5, 10]
              default_seconds: 5
              variants_max: 4
              source: "fixture"
              as_of: 2026-01-01
            prices:
              - effective_from: 2026-01-01
                source: "fixture clip table"
                as_of: 2026-01-01
                rates:
                  720p:
                    per_clip: {5: "0.50", 10: "0.90"}
                    per_clip_with_audio: {5: "0.60", 10: "1.10"}
          - slug: surcharge-model
            modes: [t2v, i2v]
            audio: optional
            retired_at: 2026-12-01
            limits:
              min_seconds: 3
              max_seconds: 20
              default_seconds: 5
              billing_increment_seconds: 5
              minimum_billed_seconds: 10
              variants_max: 2
              source: "fixture"
              as_of: 2026-01-01
            prices:
              - effective_from: 2026-01-01
                source: "fixture January sheet"
                as_of: 2026-01-01
                audio_surcharge_per_second: "0.02"
                rates:
                  720p: "0.10"
              - effective_from: 2026-06-01
                source: "fixture June sheet"
                as_of: 2026-06-01
                inferred: true
                reason: "fixture inference"
                audio_surcharge_per_second: "0.03"
                rates:
                  720p: "0.12"
                  1080p: "0.20"
        """

    static let venice = """
        provider: venice
        models:
          - slug: plain-model
            modes: [t2v, i2v]
            audio: none
            limits:
              durations_seconds: [4, 8]
              default_seconds: 4
              variants_max: 1
              aspect_ratios: ["16:9"]
              source: "fixture"
              as_of: 2026-01-01
            prices:
              - effective_from: 2026-01-01
                source: "fixture"
                as_of: 2026-01-01
                rates:
                  720p: "0.05"
        """

    static var files: [String: String] {
        ["families.yaml": families, "aimo.yaml": aimo, "venice.yaml": venice]
    }

    static func catalog() throws -> PriceCatalog {
        try PriceCatalog.load(files: files)
    }
}

/// The 1-based line of the first line of `text` containing `marker`.
func line(of marker: String, in text: String, occurrence: Int = 1) -> Int {
    var seen = 0
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    where line.contains(marker) {
        seen += 1
        if seen == occurrence { return index + 1 }
    }
    Issue.record("marker '\(marker)' not in the fixture")
    return -1
}

extension PriceCatalog {
    /// Normalizes and quotes in one step, for tests.
    func quote(_ input: QuoteInput, on day: String = "2026-10-01") throws -> QuoteResult {
        var dated = input
        dated.pricedOn = input.pricedOn ?? day
        return quote(try request(for: dated))
    }
}
