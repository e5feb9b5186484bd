import ArgumentParser
import Foundation
import Jobs
import Money
import Postgres
import Pricing

/// `videoledger quote`: prices a video job at every provider from the price books, cheapest
/// first, with the providers that cannot serve it and why. In memory; no database, and no
/// network unless `--live` asks the providers with a quote endpoint (Venice) for their price.
struct QuoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote",
        abstract: "Price a video job at every provider, cheapest first.",
        discussion: "Example: videoledger quote --family veo-3.1-fast --duration 8s --resolution 1080p --audio --n 2")

    @Option(help: "Canonical model family, e.g. veo-3.1-fast.") var family: String?
    @Option(help: "Exact provider model slug instead of (or with) a family.") var model: String?
    @Option(help: "Only this provider: aimo, openai-videos, venice, nanogpt, aigate.") var provider: String?
    @Option(help: "Provider tier of the model, e.g. std or pro (AIGate Kling).") var quality: String?
    @Option(help: "Clip length: 5, 5s or auto.") var duration = "auto"
    @Option(help: "Resolution: 480p, 720p, 1080p, 4k, … or a size such as 1280x720.") var resolution: String
    @Option(name: .customLong("aspect-ratio"), help: "16:9, 9:16, 1:1, … or auto.") var aspectRatio: String?
    @Flag(help: "Ask for audio.") var audio = false
    @Option(name: .customLong("n"), help: "Number of variants (1-16).") var variants = 1
    @Option(help: "t2v, i2v, v2v or upscale (default t2v).") var mode: String?
    @Option(name: .customLong("priced-on"), help: "Price as of this day, YYYY-MM-DD (default today).") var pricedOn:
        String?
    @Option(
        name: .customLong("pricing-dir"), help: "Price book directory (default: $VIDEOLEDGER_PRICING_DIR or ./pricing)."
    )
    var pricingDirectory: String?
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Flag(
        help:
            "Also ask providers with a quote endpoint (Venice) for their live price: needs VIDEOLEDGER_VENICE_API_KEY, or VIDEOLEDGER_VENICE_BASE_URL of a simulator."
    )
    var live = false
    @Option(
        help: "Rank by price (default) or expected cost per successful clip from the job history (reads the database).")
    var rank = "price"
    @Option(
        name: .customLong("max-p95-seconds"),
        help: "Pass over providers whose p95 time to complete is longer (reads the database).")
    var maxP95Seconds: Int?
    @Option(
        name: .customLong("min-success-rate"),
        help: "Pass over providers whose estimated success rate is lower, 0-1 (reads the database).")
    var minSuccessRate: String?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        guard let rank = QuoteRank(rawValue: rank) else { throw ValidationError("--rank must be price or expected") }
        var constraints = QuoteConstraints()
        constraints.maxP95Seconds = maxP95Seconds
        if let text = minSuccessRate {
            guard let ppb = Reliability.ppb(decimal: text) else {
                throw ValidationError("--min-success-rate must be a decimal from 0 to 1, at most 9 decimals, e.g. 0.95")
            }
            constraints.minSuccessPPB = ppb
        }
        if rank == .expected || constraints != .none {
            try await runRanked(rank: rank, constraints: constraints)
            return
        }
        let (catalog, request) = try catalogAndRequest()
        let result = catalog.quote(request)
        let drifts = live ? try await LiveQuoteLookup.drifts(for: result) : []
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let document: any Encodable =
                live ? LiveQuoteLookup.Document(quote: result, live: drifts.map(LiveQuoteLookup.Entry.init)) : result
            print(String(decoding: try encoder.encode(document), as: UTF8.self))
        } else {
            print(Self.table(result))
            if live { print(LiveQuoteLookup.table(drifts)) }
        }
        if result.offers.isEmpty { throw ExitCode(1) }
    }

    /// The price books and the request the options describe; a bad option is a usage error.
    func catalogAndRequest() throws -> (PriceCatalog, QuoteRequest) {
        let catalog = try PricingDirectory.loadCatalog(pricingDirectory)
        let input = QuoteInput(
            family: family, model: model, provider: provider, quality: quality,
            duration: .text(duration), resolution: resolution, aspectRatio: aspectRatio,
            audio: audio, variants: variants, mode: mode, pricedOn: pricedOn)
        do {
            return (catalog, try catalog.request(for: input))
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Ranked by expected cost or within constraints: the scorecard is computed from the database first.
    func runRanked(rank: QuoteRank, constraints: QuoteConstraints) async throws {
        let (catalog, request) = try catalogAndRequest()
        let pool = try await database.makePool()
        try await Migrator(pool: pool, directory: database.resolvedMigrationsDirectory).migrate()
        let scorecard = try await ScorecardReader(pool: pool, catalog: catalog).compute(asOf: Date(), generation: 1)
        await pool.close()
        let result = catalog.rankedQuote(request, rank: rank, book: scorecard.book, constraints: constraints)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(Self.rankedTable(result))
        }
        if result.offers.isEmpty { throw ExitCode(1) }
    }

    /// Ranked offers with both figures and what each rests on, then everything passed over.
    static func rankedTable(_ result: RankedQuote) -> String {
        let request = result.request
        var lines = [
            "\(request.family) \(request.duration) \(request.resolution)" + (request.audio ? " audio" : " silent")
                + " n=\(request.variants) \(request.mode) priced on \(request.pricedOn), ranked by \(result.rank.rawValue)"
                + " (scorecard \(result.book.window) as of \(result.book.computedAt.map { $0.formatted(.iso8601) } ?? "-"))"
        ]
        let header = ["#", "provider", "model", "cost USD", "expected USD", "basis"]
        let rows = result.offers.enumerated().map { rank, ranked in
            [
                String(rank + 1), ranked.offer.provider.rawValue,
                ranked.offer.providerModel + (ranked.offer.quality.map { " (\($0))" } ?? ""),
                ranked.offer.cost.decimalString, ranked.expectedCost.decimalString, ranked.estimate.successSummary,
            ]
        }
        if rows.isEmpty {
            lines.append("no provider qualifies")
        } else {
            lines += ScorecardTable.table([header] + rows)
        }
        if !result.passedOver.isEmpty {
            lines.append("passed over:")
            lines += result.passedOver.map {
                "  \($0.provider.rawValue)\($0.providerModel.map { " " + $0 } ?? ""): \($0.reason)"
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The offers as an aligned table, then the rejections.
    static func table(_ result: QuoteResult) -> String {
        let request = result.request
        var lines = [
            "\(request.family) \(request.duration) \(request.resolution)"
                + (request.audio ? " audio" : " silent") + " n=\(request.variants) \(request.mode)"
                + " priced on \(request.pricedOn), price books \(result.priceBookVersion.short)"
        ]
        let header = ["#", "provider", "model", "clip", "billed", "rate USD", "audio", "n", "cost USD", ""]
        let rows = result.offers.enumerated().map { rank, offer in
            [
                String(rank + 1), offer.provider.rawValue,
                offer.providerModel + (offer.quality.map { " (\($0))" } ?? ""),
                "\(offer.clipSeconds)s", "\(offer.billedSeconds)s",
                DecimalAmount.string(fromMicros: offer.breakdown.rateMicros)
                    + (offer.breakdown.unit == .perSecond ? "/s" : "/clip"),
                offer.breakdown.audio == .surcharge
                    ? "+\(DecimalAmount.string(fromMicros: offer.breakdown.audioSurchargeMicrosPerSecond))/s"
                    : offer.breakdown.audio.rawValue,
                String(offer.breakdown.variants), offer.cost.decimalString,
                [
                    offer.provenance.isInferred ? "inferred" : nil, offer.hasConflict ? "conflict" : nil,
                    offer.retiring.map { "retiring \($0.on)" + ($0.confirmed ? "" : "?") },
                    offer.repricedReason.map { _ in "repriced" },
                ]
                .compactMap { $0 }.joined(separator: ", "),
            ]
        }
        if rows.isEmpty {
            lines.append("no provider can serve this request")
        } else {
            let table = [header] + rows
            let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
            for row in table {
                lines.append(
                    row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                        .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            }
        }
        let notes = result.offers.flatMap { offer -> [String] in
            let name = "\(offer.provider.rawValue) \(offer.providerModel)"
            var notes: [String] = []
            if let conflict = offer.conflict {
                let others = conflict.others.map { "\(DecimalAmount.string(fromMicros: $0.micros)) (\($0.source))" }
                notes.append(
                    "\(name): conflict: \(conflict.reason)"
                        + (others.isEmpty ? "" : "; not quoted: " + others.joined(separator: "; ")))
            }
            if let retiring = offer.retiring { notes.append("\(name): \(retiring.description)") }
            if let reason = offer.repricedReason { notes.append("\(name): repriced: \(reason)") }
            return notes
        }
        if !notes.isEmpty {
            lines.append("notes:")
            lines += notes.map { "  \($0)" }
        }
        if !result.rejections.isEmpty {
            lines.append("rejected:")
            lines += result.rejections.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}
