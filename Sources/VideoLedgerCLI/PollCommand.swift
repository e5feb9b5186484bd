import ArgumentParser
import Dispatch
import Foundation
import Jobs
import Logging
import Postgres

/// `videoledger poll --once | --loop`: polls in-flight jobs and settles those that ended. The
/// same poller runs inside `serve`; any number of instances may share one database.
struct PollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Poll in-flight jobs once (--once) or until SIGINT/SIGTERM (--loop).",
        discussion: """
            Providers come from the environment: credentials per provider (a provider without \
            them is disabled and its jobs are left alone), or, with VIDEOLEDGER_SIMULATOR=true, the \
            VIDEOLEDGER_<PROVIDER>_BASE_URL exports of 'videoledger simulate-providers'. SIGTERM drains: \
            synchronous provider calls in flight finish first (up to 930 s).
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(name: .customLong("pricing-dir")) var pricingDirectory: String?
    @Flag(help: "One round: lease what is due, poll it, settle, print the figures.") var once = false
    @Flag(help: "Poll until SIGINT or SIGTERM.") var loop = false

    func validate() throws {
        guard once != loop else { throw ValidationError("say --once or --loop") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "videoledger.poll")
        logger.logLevel = environment["VIDEOLEDGER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let catalog = try PricingDirectory.loadCatalog(pricingDirectory)
        let pool = try await database.makeServicePool()
        let jobs = try JobsEnvironment.fromCLIEnvironment(environment, logger: logger)
        let poller = Poller(pool: pool, catalog: catalog, adapters: jobs.adapters, logger: logger)
        if once {
            print(await poller.pollOnce())
        } else {
            let stop = StopSignal()
            let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { stop.stop() }
                source.resume()
                return source
            }
            await poller.run(until: stop)
            for source in sources { source.cancel() }
        }
        await jobs.client.shutdown()
        await pool.close()
    }
}
