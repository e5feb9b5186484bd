import ArgumentParser

/// `videoledger bench ledger`: ledger operations per second beside pgbench (filled in next).
struct LedgerBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ledger", abstract: "Ledger operations per second beside pgbench.")
    func run() async throws {}
}
