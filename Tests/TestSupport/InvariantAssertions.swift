import Ledger
import Postgres

/// The violations `LedgerInvariants` finds, with the checks of other modules' tables
/// (`JobInvariants.checks`) when given, as "check: violation" lines; empty when all hold.
public func ledgerInvariantViolations(_ pool: PostgresPool, adding others: [LedgerInvariants.Check] = []) async throws
    -> [String]
{
    try await LedgerInvariants(pool: pool).run(adding: others).flatMap { finding in
        finding.violations.map { "invariant \(finding.check.number) (\(finding.check.name)): \($0)" }
    }
}
