import ArgumentParser
import Basics
import Foundation
import Jobs
import Ledger
import Logging
import Reconciliation

/// `videoledger reconcile [--from --to]`: the full reconciliation (provider balances against
/// recorded charges, provider costs against ours, holds open too long, unknown jobs, ledger
/// invariants), stored and printed as a table. `--invariants` checks the ledger invariants only.
/// Both exit 1 on a ledger invariant violation.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract:
            "Reconcile provider balances, costs, holds and unknown jobs; or check the ledger invariants (--invariants)."
    )

    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Check the ledger invariants 1-5 (docs/ledger.md) only; exit 1 on any violation.")
    var invariants = false
    @Option(help: "Period start, ISO 8601 (default: 24 hours before --to).") var from: String?
    @Option(help: "Period end, ISO 8601 (default: now).") var to: String?
    @Option(name: .customLong("pricing-dir")) var pricingDirectory: String?

    func run() async throws {
        if invariants { return try await checkInvariants() }
        let environment = ProcessInfo.processInfo.environment
        let end = try to.map(Self.date) ?? Date()
        let start = try from.map(Self.date) ?? end.addingTimeInterval(-86_400)
        guard start <= end else { throw ValidationError("--from must not be after --to") }
        let logger = Logger(label: "videoledger.reconcile")
        let catalog = try PricingDirectory.loadCatalog(pricingDirectory)
        let pool = try await database.makePool()
        let jobs = try? JobsEnvironment.fromCLIEnvironment(environment, logger: logger)
        let reconciler = Reconciler(pool: pool, catalog: catalog, adapters: jobs?.adapters ?? [:], logger: logger)
        let report = try await reconciler.run(from: start, to: end, trigger: "cli")
        print(ReconciliationTable.render(report))
        await jobs?.client.shutdown()
        await pool.close()
        if report.findings.contains(where: { $0.kind == "invariant_violation" }) { throw ExitCode(1) }
    }

    private func checkInvariants() async throws {
        let pool = try await database.makePool()
        defer { Task { await pool.close() } }
        let findings = try await LedgerInvariants(pool: pool).run(adding: JobInvariants.checks)
        for finding in findings {
            let mark = finding.passed ? "ok  " : "FAIL"
            print("\(mark) invariant \(finding.check.number): \(finding.check.name)")
            for violation in finding.violations { print("       \(violation)") }
        }
        let failed = findings.filter { !$0.passed }.count
        print(failed == 0 ? "All \(findings.count) checks passed." : "\(failed) of \(findings.count) checks failed.")
        if failed > 0 { throw ExitCode(1) }
    }

    static func date(_ text: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        if let date = formatter.date(from: text) { return date }
        throw ValidationError("'\(text)' is not an ISO 8601 date or time (2026-11-22 or 2026-11-22T10:00:00Z)")
    }
}

/// The findings of a run as a fixed-width text table.
enum ReconciliationTable {
    static func render(_ report: ReconciliationReport) -> String {
        let formatter = ISO8601DateFormatter()
        var lines = [
            "Reconciliation \(report.id.uuidString.lowercased()) for \(formatter.string(from: report.periodFrom)) .. "
                + "\(formatter.string(from: report.periodTo)): \(report.findings.count) finding(s)"
        ]
        guard !report.findings.isEmpty else { return (lines + ["Nothing to report."]).joined(separator: "\n") }
        let header = [
            "severity", "kind", "provider", "job", "currency", "expected", "observed", "difference", "detail",
        ]
        let rows = report.findings.map { finding in
            [
                finding.severity, finding.kind, finding.provider ?? "-",
                finding.jobID.map { String($0.uuidString.lowercased().prefix(8)) } ?? "-",
                finding.currency ?? "-", finding.expectedMicros.map(micros) ?? "-",
                finding.observedMicros.map(micros) ?? "-",
                finding.differenceMicros.map(micros) ?? "-", finding.detail,
            ]
        }
        let widths = header.indices.dropLast().map { column in
            ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index < widths.count ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) : cell
            }.joined(separator: "  ")
        }
        lines.append(line(header))
        lines.append(line(widths.map { String(repeating: "-", count: $0) } + ["------"]))
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }

    /// Micro-units as a six-decimal string.
    static func micros(_ value: Int64) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        let fraction = String(magnitude % 1_000_000)
        return "\(sign)\(magnitude / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
