import Ledger

/// The ledger invariant that involves jobs (docs/ledger.md, 4), kept here because `jobs` is this
/// module's table. Run beside the ledger's own: `LedgerInvariants(pool:).run(adding: JobInvariants.checks)`.
public enum JobInvariants {
    public static let checks: [LedgerInvariants.Check] = [
        LedgerInvariants.Check(
            number: 4, name: "a job in a terminal state has no open hold",
            sql: """
                SELECT 'job ' || j.id || ' is ' || j.status || ' with open hold ' || h.id
                FROM jobs j JOIN holds h ON h.id = j.hold_id
                WHERE j.status IN ('completed', 'failed', 'cancelled', 'expired') AND h.state = 'open'
                """)
    ]
}
