import Ledger
import Postgres

/// The violations `LedgerInvariants` finds, as "check: violation" lines; empty when all hold.
public func ledgerInvariantViolations(_ pool: PostgresPool) async throws -> [String] {
    try await LedgerInvariants(pool: pool).run().flatMap { finding in
        finding.violations.map { "invariant \(finding.check.number) (\(finding.check.name)): \($0)" }
    }
}
