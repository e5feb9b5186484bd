import ArgumentParser
import Foundation
import Jobs
import Money
import Postgres
import Pricing

/// `videoledger providers …`: how the providers are doing, from the job history.
struct ProvidersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "Provider scorecards from the job history.",
        subcommands: [ScorecardsCommand.self])

    /// `videoledger providers scorecards`: the same figures as `GET /v1/providers/scorecards`,
    /// computed now from the database.
    struct ScorecardsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scorecards",
            abstract:
                "Per provider and model family over 24 h, 7 d and 30 d: outcomes, times, quote error, and the expected-cost estimate."
        )

        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only this window: 24h, 7d or 30d.") var window: String?
        @Option(name: .customLong("pricing-dir"), help: "Price books (default: $VIDEOLEDGER_PRICING_DIR or ./pricing).")
        var pricingDirectory: String?

        func validate() throws {
            if let window, !Scorecard.windows.contains(window) {
                throw ValidationError("--window must be 24h, 7d or 30d")
            }
        }

        func run() async throws {
            let catalog = try PricingDirectory.loadCatalog(pricingDirectory)
            let pool = try await database.makePool()
            try await Migrator(pool: pool, directory: database.resolvedMigrationsDirectory).migrate()
            let scorecard = try await ScorecardReader(pool: pool, catalog: catalog).compute(asOf: Date(), generation: 1)
            await pool.close()
            print(ScorecardTable.render(scorecard, window: window))
        }
    }
}

/// Scorecards as aligned text tables.
enum ScorecardTable {
    static func render(_ scorecard: Scorecard, window: String?) -> String {
        var lines = ["provider scorecards as of \(scorecard.asOf.formatted(.iso8601)) (jobs created in each window)"]
        let header = [
            "window", "provider", "family", "jobs", "done", "failed", "policy", "cancel", "expired", "stalled",
            "unknown",
            "success", "refund", "p50 s", "p95 s", "quote error USD", "live drift USD",
        ]
        let rows = scorecard.rows.filter { window == nil || $0.window == window }.map { row -> [String] in
            [
                row.window, row.provider.rawValue, row.family, String(row.jobs), String(row.completed),
                String(row.failed),
                String(row.contentPolicy), String(row.cancelled), String(row.expired), String(row.stalled),
                String(row.unknown),
                row.completionRatePPB.map { Reliability.decimal($0, digits: 2) } ?? "-",
                row.refundRatePPB.map { Reliability.decimal($0, digits: 2) } ?? "-",
                row.p50Milliseconds.map(seconds) ?? "-", row.p95Milliseconds.map(seconds) ?? "-",
                DecimalAmount.string(fromMicros: row.quoteErrorTotalMicros),
                row.liveQuoted > 0 ? DecimalAmount.string(fromMicros: row.liveDriftTotalMicros) : "-",
            ]
        }
        lines += rows.isEmpty ? ["no jobs in the window"] : table([header] + rows)
        let used = Set(scorecard.rows.filter { $0.window == Scorecard.rankingWindow }.map(\.key))
        let estimates = scorecard.book.estimates.filter { used.contains($0.key) }
        lines.append("")
        lines.append(
            "expected cost basis (\(Scorecard.rankingWindow); prior \(scorecard.book.settings.priorJobs) jobs, Wilson z \(scorecard.book.settings.z)); "
                + "providers and families without jobs rank on the prior")
        let basisHeader = [
            "provider", "family", "jobs", "success est", "interval", "ranked at", "prior", "prior weight",
            "quote error",
            "failure billed",
        ]
        let basisRows = estimates.map { estimate -> [String] in
            [
                estimate.key.provider.rawValue, estimate.key.family, String(estimate.jobs),
                Reliability.decimal(estimate.successPPB),
                "\(Reliability.decimal(estimate.observedLowPPB))-\(Reliability.decimal(estimate.observedHighPPB))",
                Reliability.decimal(estimate.rankingSuccessPPB), Reliability.decimal(estimate.priorSuccessPPB),
                Reliability.decimal(estimate.priorWeightPPB), Reliability.decimal(estimate.quoteErrorPPB),
                Reliability.decimal(estimate.failureBilledPPB),
            ]
        }
        lines += basisRows.isEmpty ? ["no history yet"] : table([basisHeader] + basisRows)
        return lines.joined(separator: "\n")
    }

    static func seconds(_ milliseconds: Int64) -> String {
        "\(milliseconds / 1_000).\(milliseconds % 1_000 / 100)"
    }

    static func table(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(
                separator: "  "
            )
            .trimmingCharacters(in: .whitespaces)
        }
    }
}
