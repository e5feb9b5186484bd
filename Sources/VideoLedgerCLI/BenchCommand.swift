import ArgumentParser
import Pricing

/// `videoledger bench …`: benchmarks that print figures beside a baseline from the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark and print its figures.",
        subcommands: [
            LedgerBenchCommand.self, QuotesBench.self, JobsBenchCommand.self, ReportBenchCommand.self,
            APIBenchCommand.self,
        ])

    struct QuotesBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "quotes", abstract: "Cheapest-provider lookups per second.")
        @Option(name: .customLong("pricing-dir")) var pricingDirectory: String?

        func run() async throws {
            let catalog = try PricingDirectory.loadCatalog(pricingDirectory)
            print(QuoteBenchmark.run(catalog: catalog))
            print(QuoteBenchmark.runRanked(catalog: catalog, book: ExpectedCostBook.synthetic(catalog)))
        }
    }
}
