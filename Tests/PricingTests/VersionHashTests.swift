import Testing

@testable import Pricing

/// The price-book version: same books, same hash; any changed value, a new one.
struct VersionHashTests {
    @Test func sameBooksGiveTheSameVersion() throws {
        let first = try RuleBooks.catalog().version
        let second = try RuleBooks.catalog().version
        #expect(first == second)
        #expect(first.hex.count == 64)
        #expect(try PriceCatalog.load(directory: SeedBooks.directory).version == SeedBooks.catalog.version)
    }

    @Test func commentsLayoutAndKeyOrderDoNotChangeTheVersion() throws {
        var files = RuleBooks.files
        files["venice.yaml"] =
            "# a comment\n"
            + RuleBooks.venice
            .replacingOccurrences(
                of: "    modes: [t2v, i2v]\n    audio: none",
                with: "    audio: none   # silent\n    modes:\n      - t2v\n      - i2v"
            )
            .replacingOccurrences(of: #"720p: "0.05""#, with: "720p: '0.05'")
        #expect(try PriceCatalog.load(files: files).version == RuleBooks.catalog().version)
    }

    @Test func aChangedPriceGivesANewVersion() throws {
        var files = RuleBooks.files
        files["venice.yaml"] = RuleBooks.venice.replacingOccurrences(of: #"720p: "0.05""#, with: #"720p: "0.06""#)
        let changed = try PriceCatalog.load(files: files)
        #expect(changed.version != (try RuleBooks.catalog().version))
        let offer = try changed.quote(QuoteInput(family: "fam-a", provider: "venice", duration: 4, resolution: "720p"))
            .offers.first
        #expect(offer?.priceBookVersion == changed.version)
        #expect(offer?.costMicros == 240_000)
    }

    @Test func aRequestFromOneCatalogLayoutWorksOnAnIdenticalOne() throws {
        let one = try RuleBooks.catalog()
        let other = try RuleBooks.catalog()
        let request = try one.request(
            for: QuoteInput(family: "fam-a", duration: 5, resolution: "720p", pricedOn: "2026-03-01"))
        #expect(other.quote(request).offers == one.quote(request).offers)
    }
}
