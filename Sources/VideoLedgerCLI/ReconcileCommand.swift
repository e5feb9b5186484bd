import ArgumentParser
import Ledger

/// `videoledger reconcile --invariants`: checks the ledger's invariants over the whole database.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Check the ledger invariants (--invariants).")

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Check DESIGN.md's ledger invariants 1-5; exit 1 on any violation.")
    var invariants = false

    func run() async throws {
        guard invariants else { throw ValidationError("say what to reconcile: --invariants") }
        let pool = try await database.makePool()
        defer { Task { await pool.close() } }
        let findings = try await LedgerInvariants(pool: pool).run()
        for finding in findings {
            let mark = finding.passed ? "ok  " : "FAIL"
            print("\(mark) invariant \(finding.check.number): \(finding.check.name)")
            for violation in finding.violations { print("       \(violation)") }
        }
        let failed = findings.filter { !$0.passed }.count
        print(failed == 0 ? "All \(findings.count) checks passed." : "\(failed) of \(findings.count) checks failed.")
        if failed > 0 { throw ExitCode(1) }
    }
}
