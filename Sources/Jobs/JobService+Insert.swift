import Foundation
import Ledger
import Money
import Postgres
import Pricing

extension JobService {
    enum Insertion: Sendable {
        /// This request wrote the job and its hold.
        case created(JobRecord)
        /// An earlier request with the same key (or provider job id) did; nothing was written.
        case existing(JobRecord)
    }

    /// Writes the job and its hold in one transaction (shared with concurrent submits of the
    /// user), or finds the job an earlier identical request wrote. Submits of one user take the
    /// user's row first, so a concurrent request with the same key waits until the first commits,
    /// then finds its row; if the first rolled back, it inserts its own.
    func insert(
        _ request: JobRequest, offer: Offer, quote: QuoteRequest, ranking: SubmitRanking? = nil,
        liveQuoteMicros: Int64?, synchronous: Bool
    ) async throws -> Insertion {
        let id = UUID()
        let record = request.isRecord
        let status: JobStatus = record ? .queued : .submitting
        // A submit this process sends at once is marked dispatched now: from this commit on it is
        // never sent again. A synchronous one is left for the poller to dispatch. Every job is due
        // at once: the lease, not the schedule, keeps a live submit's job from the poller, so the
        // moment this instance dies (heartbeat) or runs out of time (lease) it is taken over.
        let dispatchNow = !record && !synchronous
        let leaseOwner: String? = dispatchNow ? instanceID : nil
        let parameters: [(any PostgresEncodable)?] = [
            id, request.userID, request.idempotencyKey, request.canonicalText, record ? "record" : "submit",
            offer.provider.rawValue, offer.providerModel, offer.quality, offer.family, request.providerJobID,
            offer.mode.rawValue,
            offer.clipSeconds, offer.resolution.rawValue, quote.aspectRatio?.rawValue, offer.audio, quote.variants,
            request.spec.prompt.isEmpty ? nil : request.spec.prompt, request.spec.imageURL, offer.priceBookVersion.hex,
            offer.pricedOn.description, offer.costMicros, offer.billedSeconds, status.rawValue, dispatchNow, record,
            leaseOwner, configuration.submitLeaseMilliseconds, liveQuoteMicros,
            ranking?.rank.rawValue, ranking?.chosenExpectedMicros, ranking?.cheapestPriceMicros,
            ranking?.cheapestExpectedMicros, offer.hasConflict,
        ]
        let userID = request.userID
        let actor = request.actor
        // Group commit: concurrent submits of one user share one transaction and its flush. The
        // caller hears of its row only once that commit is durable, so a provider call never
        // goes out for a job the ledger could lose. A refused submit (unknown user, insufficient
        // funds, a conflicting key) fails the shared transaction and every submit of it is
        // retried alone.
        //
        // Lock order (docs/job-lifecycle.md, "Commits and locks"): the user's row first
        // (`FOR NO KEY UPDATE`: one submit transaction of a user at a time, across instances),
        // then the user's account rows (the hold, `ledger_lock`), then the new job row, which
        // carries its hold id from its insert (one row version, not an insert and an update).
        // A submit never waits on an existing job row. Two cycles this rules out, both seen with
        // three instances submitting the same keys: (1) one transaction held the accounts (an
        // earlier body's hold) and waited on a key another had just inserted, which waited on
        // the accounts; with the user's row first, a key is only inserted by the holder of its
        // user's row, so never while another's insert of it is uncommitted. (2) A replayed key
        // whose job a settlement was updating: the insert's unique check waits for the updating
        // transaction, which holds the job row and waits for the accounts the batch's earlier
        // hold took. So a retry finds its job with a plain read (no wait) before its hold, and
        // the insert only ever writes a key no row has. A settlement takes a job row, its hold,
        // then the accounts; the user's row lock does not block the foreign key checks
        // (`FOR KEY SHARE`) of settlements and top-ups writing that user's rows.
        return try await inserts.run(partition: userID, lockOrder: request.idempotencyKey ?? "") {
            session -> Insertion in
            // The job's created_by and its hold's transfer record who asked (migration 0011);
            // set for every submit, so one sharing the transaction never inherits another's.
            try LedgerStatements.setActor(session, actor ?? "")
            guard
                try session.queryPrepared("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE", [userID]).first
                    != nil
            else {
                throw JobError.unknownUser(userID)
            }
            // A retry: answered with the job it made, read without waiting on its row.
            if let earlier = try Self.existingIfAny(session, request) { return .existing(earlier) }
            var holdID: Int64?
            if offer.costMicros > 0 {
                // The hold locks the user's account rows until the commit. The insert after it
                // waits on no one: only the holder of the user's row writes the user's keys.
                holdID = try LedgerStatements.hold(
                    session, key: JobLedgerKeys.holdKey(id), userID: userID,
                    amount: Money(micros: offer.costMicros, currency: .usd),
                    provider: offer.provider.rawValue, jobID: id)
            }
            guard
                var job = try session.queryPrepared(Self.insertSQL, parameters + [holdID]).first.map(
                    JobRecord.init(row:))
            else {
                // Only a record's provider job id conflicts here (the user's row keeps the user's
                // own keys to this transaction): another user's record of it committed after the
                // read above. Refused, naming that job; the hold goes with this transaction.
                _ = try Self.existing(session, request)
                throw JobError.database("job \(id) conflicted with a job of its own user")
            }
            precondition(
                job.holdID == holdID && job.quotedMicros == offer.costMicros,
                "job \(id) read back differs from what was written")
            if !dispatchNow {
                // Answered as it stands (a record, or a synchronous job left for the poller):
                // with its hold's transfers, read here rather than after the commit.
                job.transfers = try JobRows.transfers(session, holdID: holdID)
            }
            return .created(job)
        }
    }

    static let insertSQL = """
        INSERT INTO jobs (id, user_id, idempotency_key, request_fingerprint, origin, provider, provider_model, quality, family,
                          provider_job_id, mode, duration_seconds, resolution, aspect_ratio, audio, variants, prompt, image_url,
                          price_book_version, priced_on, currency, quoted_micros, quoted_billed_seconds, status, dispatched_at,
                          submitted_at, queued_at, next_poll_at, lease_owner, lease_expires_at, live_quote_micros,
                          ranked_by, expected_micros, cheapest_price_micros, cheapest_expected_micros, quote_conflict,
                          hold_id)
        VALUES ($1, $2, $3, encode(sha256(convert_to($4, 'UTF8')), 'hex'), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                $17, $18, $19, $20::date, 'USD', $21, $22, $23, CASE WHEN $24 THEN now() END, CASE WHEN $25 THEN now() END,
                CASE WHEN $25 THEN now() END, now(), $26,
                CASE WHEN $26::text IS NULL THEN NULL ELSE now() + $27::float8 * interval '1 millisecond' END, $28,
                $29, $30, $31, $32, $33, $34)
        ON CONFLICT DO NOTHING
        RETURNING \(JobRecord.columns)
        """

    /// The job an earlier request wrote, if it was this same request; a conflict otherwise.
    private static func existing(_ session: PostgresSession, _ request: JobRequest) throws -> JobRecord {
        guard let job = try existingIfAny(session, request) else {
            throw JobError.database("job insert conflicted on no known key")
        }
        return job
    }

    /// The job an earlier request with the same idempotency key (or, for a record, the same
    /// provider job id) wrote; nil when there is none; a conflict when that request differed.
    static func existingIfAny(_ session: PostgresSession, _ request: JobRequest) throws -> JobRecord? {
        let fingerprint = "encode(sha256(convert_to($3, 'UTF8')), 'hex')"
        if let key = request.idempotencyKey,
            let row = try session.queryPrepared(
                "SELECT id, request_fingerprint = \(fingerprint) FROM jobs WHERE user_id = $1 AND idempotency_key = $2",
                [request.userID, key, request.canonicalText]
            ).first
        {
            let id: UUID = try row.decode(0)
            guard try row.decodeIfPresent(1, as: Bool.self) == true else {
                throw JobError.idempotencyConflict(
                    "idempotency key '\(key)' was used for another request (job \(id.uuidString.lowercased()))")
            }
            return try load(session, id)
        }
        if let providerJobID = request.providerJobID,
            let row = try session.queryPrepared(
                """
                SELECT id, user_id = $4 AND request_fingerprint = \(fingerprint)
                FROM jobs WHERE provider = $1 AND provider_job_id = $2
                """, [request.provider.lowercased(), providerJobID, request.canonicalText, request.userID]
            ).first
        {
            let id: UUID = try row.decode(0)
            guard try row.decodeIfPresent(1, as: Bool.self) == true else {
                throw JobError.providerJobAlreadyRecorded(
                    provider: request.provider.lowercased(), providerJobID: providerJobID, jobID: id)
            }
            return try load(session, id)
        }
        return nil
    }

    private static func load(_ session: PostgresSession, _ id: UUID) throws -> JobRecord {
        guard let job = try JobRows.load(session, id: id) else { throw JobError.jobNotFound(id) }
        return job
    }
}
