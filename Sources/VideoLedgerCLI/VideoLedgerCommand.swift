import ArgumentParser

/// `videoledger`: the service and its operator commands.
@main
struct VideoLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "videoledger",
        abstract: "Prices, records and settles AI video-generation jobs.",
        discussion: """
            Configuration comes from the environment: DATABASE_URL (unset = a private PostgreSQL \
            cluster under .videoledger/), VIDEOLEDGER_* settings and one base URL and credential per \
            provider (none = the built-in provider simulator). See README.md.
            """,
        subcommands: [
            ServeCommand.self,
            MigrateCommand.self,
            ReconcileCommand.self,
            PollCommand.self,
            QuoteCommand.self,
            ProvidersCommand.self,
            PricingCommand.self,
            UserCommand.self,
            TokenCommand.self,
            JobCommand.self,
            ReportCommand.self,
            ArchiveCommand.self,
            SimulateProvidersCommand.self,
            BenchCommand.self,
        ]
    )
}

/// `videoledger pricing …`: price book maintenance.
struct PricingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pricing",
        abstract: "Check the price books.",
        subcommands: [PricingCheckCommand.self]
    )
}
