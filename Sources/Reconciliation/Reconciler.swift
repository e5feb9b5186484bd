import Foundation
import Jobs
import Ledger
import Logging
import Postgres
import Pricing
import ProviderRegistry
import Providers

/// `videoledger reconcile` and its schedule in `serve`: compares, per provider and period, each
/// reported balance change with the charges we recorded; lists jobs whose provider cost differs
/// from ours, holds open too long, jobs whose submission outcome is unknown and catalog prices
/// that providers' live quotes disagree with; settles held (`unknown`, `stalled`) jobs on
/// balance evidence and releases those past the long bound (both recorded and reported); and
/// checks the ledger invariants.
/// Findings are stored; `report(id:)` reads a run back.
public final class Reconciler: Sendable {
    public let pool: PostgresPool
    public let configuration: JobsConfiguration
    let adapters: [ProviderID: any ProviderAdapter]
    let settlement: Settlement
    let clock: JobClock
    let logger: Logger

    /// Findings kept per check and run: a broken database must not make a run unbounded.
    public static let findingsPerCheckMax = 1_000

    public init(
        pool: PostgresPool, catalog: PriceCatalog, adapters: [ProviderID: any ProviderAdapter],
        configuration: JobsConfiguration = JobsConfiguration(),
        logger: Logger = Logger(label: "videoledger.reconciler"),
        clock: JobClock = .system
    ) {
        configuration.validate()
        self.pool = pool
        self.configuration = configuration
        self.adapters = adapters
        self.settlement = Settlement(catalog: catalog, logger: logger)
        self.clock = clock
        self.logger = logger
    }

    /// Runs every check over [from, to] and stores the findings. A period that ends now first
    /// takes a fresh balance snapshot from each provider (best effort: a provider that does not
    /// answer is simply compared on the snapshots it gave before).
    /// `actor` (an API token's name) is recorded as the run's `created_by`.
    public func run(from: Date, to: Date, trigger: String = "cli", actor: String? = nil) async throws
        -> ReconciliationReport
    {
        precondition(from <= to, "a period ends after it starts")
        let startedAt = Date()
        var to = to
        if to >= startedAt.addingTimeInterval(-60) {
            await snapshotBalances()
            to = max(to, Date())  // the period ends now: include the snapshots just taken
        }
        var findings: [ReconciliationFinding] = []
        findings += try await resolveHeldJobs()
        findings += try await balanceFindings(from: from, to: to)
        findings += try await jobFindings(from: from, to: to)
        findings += try await liveQuoteFindings(from: from, to: to)
        findings += try await invariantFindings()
        let report = ReconciliationReport(
            id: UUID(), periodFrom: from, periodTo: to, startedAt: startedAt, finishedAt: Date(), trigger: trigger,
            findings: findings,
            createdBy: actor)
        try await store(report, actor: actor)
        logger.info("reconciliation finished", metadata: ["id": "\(report.id)", "findings": "\(findings.count)"])
        return report
    }

    /// Reads a stored run back; nil for an unknown id.
    public func report(id: UUID) async throws -> ReconciliationReport? {
        try await ReconciliationStore(pool: pool).report(id: id)
    }

    /// Asks every configured provider for its balance and stores what it says.
    func snapshotBalances() async {
        for (provider, adapter) in adapters.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            do {
                guard let balance = try await adapter.balance() else { continue }
                try await pool.withSession { session in
                    try ProviderChargeStatements.snapshot(
                        session, provider: provider.rawValue, balance: balance, source: "reconcile", jobID: nil)
                }
            } catch {
                logger.info("no balance snapshot", metadata: ["provider": "\(provider.rawValue)", "error": "\(error)"])
            }
        }
    }

    private func store(_ report: ReconciliationReport, actor: String?) async throws {
        try await pool.transaction { session in
            try session.execute(
                """
                INSERT INTO reconciliations (id, period_from, period_to, started_at, finished_at, findings_count, trigger, created_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                [
                    report.id, report.periodFrom, report.periodTo, report.startedAt, report.finishedAt,
                    report.findings.count, report.trigger,
                    actor,
                ])
            for finding in report.findings {
                try session.execute(
                    """
                    INSERT INTO reconciliation_findings (reconciliation_id, kind, severity, provider, job_id, currency,
                                                         expected_micros, observed_micros, difference_micros, detail)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                    """,
                    [
                        report.id, finding.kind, finding.severity, finding.provider,
                        finding.jobID.map { $0 as any PostgresEncodable },
                        finding.currency, finding.expectedMicros, finding.observedMicros, finding.differenceMicros,
                        finding.detail,
                    ])
            }
        }
    }
}
