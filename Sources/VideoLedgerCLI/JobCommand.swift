import ArgumentParser
import Foundation
import Jobs
import Logging
import Money
import Pricing

/// `videoledger job resolve`: an operator's resolution of a job whose money is held (`unknown`,
/// `stalled`) or still in flight, recorded with who and why.
struct JobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Operator actions on one job.",
        subcommands: [Resolve.self])

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resolve a held job by hand: --completed --cost AMOUNT, or --failed.",
            discussion: """
                Completed captures the cost (USD) from the job's hold; failed releases the hold. \
                The decision, who made it (--by, default $USER) and why (--reason) are kept with the job \
                and shown on GET /v1/jobs/{id}. A job that already ended is refused (exit 1).
                """)

        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("pricing-dir")) var pricingDirectory: String?
        @Argument(help: "The job id (a UUID).") var jobID: String
        @Flag(help: "The provider did the work: capture --cost.") var completed = false
        @Flag(help: "The provider did not (or refunded): release the hold.") var failed = false
        @Option(help: "What the provider charged, in USD, e.g. 0.80 (with --completed).") var cost: String?
        @Option(help: "Why: kept with the job (1 to 1,000 characters).") var reason: String
        @Option(help: "Who decides (default: $USER).") var by: String?

        func validate() throws {
            guard completed != failed else { throw ValidationError("say --completed or --failed") }
            guard completed == (cost != nil) else {
                throw ValidationError("--cost goes with --completed, and only with it")
            }
            guard UUID(uuidString: jobID) != nil else { throw ValidationError("'\(jobID)' is not a job id (a UUID)") }
        }

        func run() async throws {
            guard let id = UUID(uuidString: jobID) else { throw ValidationError("'\(jobID)' is not a job id (a UUID)") }
            let outcome: ManualOutcome =
                try cost.map { .completed(costMicros: try parseAmount($0, field: "--cost")) } ?? .failed
            let operatorName = by ?? ProcessInfo.processInfo.environment["USER"] ?? "operator"
            let catalog = try PricingDirectory.loadCatalog(pricingDirectory)
            let pool = try await database.makePool()
            defer { Task { await pool.close() } }
            var logger = Logger(label: "videoledger.job")
            logger.logLevel = .warning
            let service = JobService(pool: pool, catalog: catalog, adapters: [:], logger: logger)
            do {
                let job = try await service.resolve(id: id, outcome: outcome, by: "cli:" + operatorName, reason: reason)
                let charged = job.actualMicros.map { " charged \(DecimalAmount.string(fromMicros: $0))" } ?? ""
                print("job \(jobID): \(job.status)\(charged), resolved by cli:\(operatorName)")
            } catch let error as JobError {
                throw ValidationError(error.description)
            }
        }
    }
}
