import Foundation
import Money
import Postgres
import ProviderRegistry
import Providers

/// Writes what we believe providers charged and what balances they reported. Called inside the
/// transaction that changes the job, so the provider-side record and the job state agree.
package enum ProviderChargeStatements {
    /// One row per (job, kind); a replay of the same event writes nothing.
    static func record(
        _ session: PostgresSession, jobID: UUID, provider: String, kind: String, currency: String, amountMicros: Int64,
        source: String
    ) throws {
        try session.executePrepared(
            """
            INSERT INTO provider_charges (job_id, provider, kind, currency, amount_micros, source)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (job_id, kind) DO NOTHING
            """, [jobID, provider, kind, currency, amountMicros, source])
    }

    /// The precharge recorded for the job, if any.
    static func precharge(_ session: PostgresSession, jobID: UUID) throws -> (currency: String, micros: Int64)? {
        guard
            let row = try session.queryPrepared(
                "SELECT currency, amount_micros FROM provider_charges WHERE job_id = $1 AND kind = 'precharge'", [jobID]
            ).first
        else { return nil }
        return (try row.decode(0), try row.decode(1))
    }

    /// Every balance in the snapshot, one row per currency and measure.
    package static func snapshot(
        _ session: PostgresSession, provider: String, balance: BalanceSnapshot, source: String, jobID: UUID?
    ) throws {
        for money in balance.available {
            try insertSnapshot(session, provider, money, measure: "available", source: source, jobID: jobID)
        }
        if let spent = balance.spentToDate {
            try insertSnapshot(session, provider, spent, measure: "spent_to_date", source: source, jobID: jobID)
        }
    }

    static func insertSnapshot(
        _ session: PostgresSession, _ provider: String, _ money: Money, measure: String, source: String, jobID: UUID?
    ) throws {
        try session.executePrepared(
            """
            INSERT INTO provider_balance_snapshots (provider, currency, balance_micros, measure, source, job_id)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            [
                provider, money.currency.rawValue, money.micros, measure, source,
                jobID.map { $0 as any PostgresEncodable },
            ])
    }
}
