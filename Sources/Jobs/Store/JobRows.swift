import Foundation
import Postgres

/// Reads jobs, their transfers and resolutions on a session the caller holds (inside its
/// transaction, often `FOR UPDATE`). `JobStore` is the read side for other modules.
package enum JobRows {
    /// The job with its hold's transfers, or nil.
    package static func load(_ session: PostgresSession, id: UUID, forUpdate: Bool = false, withTransfers: Bool = true)
        throws -> JobRecord?
    {
        let lock = forUpdate ? " FOR UPDATE" : ""
        guard
            let row = try session.queryPrepared("SELECT \(JobRecord.columns) FROM jobs WHERE id = $1\(lock)", [id])
                .first
        else {
            return nil
        }
        var job = try JobRecord(row: row)
        if withTransfers {
            job.transfers = try transfers(session, holdID: job.holdID)
            job.heldResolution = try heldResolution(session, jobID: id)
        }
        return job
    }

    /// The recorded resolution of a held job, if any.
    package static func heldResolution(_ session: PostgresSession, jobID: UUID) throws -> JobResolution? {
        guard
            let row = try session.queryPrepared(
                """
                SELECT method, outcome, cost_micros, currency, resolved_by, reason, evidence::text, resolved_at
                FROM job_resolutions WHERE job_id = $1
                """, [jobID]
            ).first
        else { return nil }
        return JobResolution(
            method: try row.decode(0), outcome: try row.decode(1), costMicros: try row.decodeIfPresent(2),
            currency: try row.decodeIfPresent(3), resolvedBy: try row.decode(4), reason: try row.decode(5),
            evidence: try row.decodeIfPresent(6), resolvedAt: try row.decode(7))
    }

    package static func transfers(_ session: PostgresSession, holdID: Int64?) throws -> [JobTransfer] {
        guard let holdID else { return [] }
        let rows = try session.queryPrepared(
            """
            SELECT t.id, t.kind, t.amount_micros, t.currency, t.operation_key, t.created_at, t.created_by,
                   f.owner || ':' || f.kind AS from_account, d.owner || ':' || d.kind AS to_account
            FROM transfers t
            JOIN accounts f ON f.id = t.from_account_id
            JOIN accounts d ON d.id = t.to_account_id
            WHERE t.hold_id = $1 ORDER BY t.id
            """, [holdID])
        return try rows.map { row in
            JobTransfer(
                id: try row.decode("id"), kind: try row.decode("kind"), amountMicros: try row.decode("amount_micros"),
                currency: try row.decode("currency"), from: try row.decode("from_account"),
                to: try row.decode("to_account"),
                operationKey: try row.decode("operation_key"), createdAt: try row.decode("created_at"),
                createdBy: try row.decodeIfPresent("created_by"))
        }
    }
}

extension JobRows {
    /// Submits whose answer was lost with the instance that waited for it (its lease ran out,
    /// or its heartbeat stopped) become `unknown`, as a poller would, for a database no poller
    /// watches. Returns how many.
    package static func markLostSubmits(_ session: PostgresSession, now: Date, deadAfterMilliseconds: Int) throws -> Int
    {
        try session.executePrepared(
            """
            UPDATE jobs SET status = 'unknown', unknown_at = $1, updated_at = now(), next_poll_at = NULL,
                   last_error = coalesce(last_error, 'the submit answer was lost with the instance that waited for it'),
                   lease_owner = NULL, lease_expires_at = NULL
            WHERE status = 'submitting' AND dispatched_at IS NOT NULL AND lease_owner IS NOT NULL
              AND \(InstanceHeartbeat.leaseTakeable(now: "$1", dead: "$2"))
            """, [now, deadAfterMilliseconds])
    }
}
