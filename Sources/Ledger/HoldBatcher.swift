import Foundation
import Money
import Postgres
import Synchronization

/// Group commit for holds: concurrent callers' holds share one statement and one commit.
///
/// A commit costs a WAL flush (about half a millisecond here); with one commit per hold the
/// ledger tops out near pgbench's ~2,200 transactions/s. The batcher lets up to
/// `batchesInFlightMax` batches run at once; callers arriving while they run wait for the next
/// batch, so batches grow with load and stay at one hold when the ledger is idle (no added
/// latency). Each hold runs in its own subtransaction inside `ledger_hold_batch`, so one refused
/// hold does not undo the others, and every caller hears its result only after the shared
/// commit is durable.
public final class HoldBatcher: Sendable {
    public struct Configuration: Sendable {
        public var batchSizeMax: Int
        public var batchesInFlightMax: Int
        public var pendingMax: Int

        public init(batchSizeMax: Int = 200, batchesInFlightMax: Int = 4, pendingMax: Int = 100_000) {
            self.batchSizeMax = batchSizeMax
            self.batchesInFlightMax = batchesInFlightMax
            self.pendingMax = pendingMax
        }
    }

    public struct Request: Sendable {
        public let key: String
        public let userID: String
        public let amount: Money
        public let provider: String
        public let jobID: UUID?

        public init(key: String, userID: String, amount: Money, provider: String, jobID: UUID? = nil) {
            self.key = key
            self.userID = userID
            self.amount = amount
            self.provider = provider
            self.jobID = jobID
        }
    }

    private struct Pending {
        let request: Request
        let continuation: CheckedContinuation<Int64, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var batchesInFlight = 0
    }

    public let pool: PostgresPool
    public let configuration: Configuration
    private let state = Mutex(State())

    public init(pool: PostgresPool, configuration: Configuration = .init()) {
        precondition(configuration.batchSizeMax >= 1 && configuration.batchSizeMax <= 1_000, "batchSizeMax out of range")
        precondition(configuration.batchesInFlightMax >= 1, "batchesInFlightMax must be positive")
        self.pool = pool
        self.configuration = configuration
    }

    /// Holds `request.amount`; returns the hold id once the batch holding it has committed.
    public func hold(_ request: Request) async throws -> Int64 {
        try await withCheckedThrowingContinuation { continuation in
            let startBatch = state.withLock { state -> Bool in
                guard state.pending.count < configuration.pendingMax else { return false }
                state.pending.append(Pending(request: request, continuation: continuation))
                guard state.batchesInFlight < configuration.batchesInFlightMax else { return false }
                state.batchesInFlight += 1
                return true
            }
            if startBatch { Task { await self.runBatches() } }
        }
    }

    /// Runs batches until nothing is pending, then gives its in-flight slot back.
    private func runBatches() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let count = min(state.pending.count, configuration.batchSizeMax)
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                if batch.isEmpty { state.batchesInFlight -= 1 }
                return batch
            }
            if batch.isEmpty { return }
            await execute(batch)
        }
    }

    private func execute(_ batch: [Pending]) async {
        let requests = batch.map(\.request)
        do {
            let results = try await pool.transaction { session in
                try Self.holdBatch(session, requests)
            }
            precondition(results.count == batch.count, "ledger_hold_batch answered \(results.count) of \(batch.count)")
            for (pending, result) in zip(batch, results) { pending.continuation.resume(with: result) }
        } catch {
            for pending in batch { pending.continuation.resume(throwing: LedgerError.wrap(error)) }
        }
    }

    private static func holdBatch(_ session: PostgresSession, _ requests: [Request]) throws -> [Result<Int64, any Error>] {
        let rows = try session.query(
            "SELECT ordinal, hold_id, error_code, error_message FROM ledger_hold_batch($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::uuid[])",
            [
                requests.map(\.key), requests.map(\.userID), requests.map(\.amount.currency.rawValue),
                requests.map(\.amount.micros), requests.map(\.provider),
                PostgresArrayWithNulls(requests.map { $0.jobID?.uuidString.lowercased() }),
            ])
        var results = [Result<Int64, any Error>](repeating: .failure(LedgerError.database(.cancelled)), count: requests.count)
        for row in rows {
            let index = try row.decode(0, as: Int.self) - 1
            if let holdID = try row.decodeIfPresent(1, as: Int64.self) {
                results[index] = .success(holdID)
            } else {
                let code = try row.decodeIfPresent(2, as: String.self) ?? "XX000"
                let message = try row.decodeIfPresent(3, as: String.self) ?? "hold failed"
                results[index] = .failure(LedgerError(.server(ServerError(sqlState: code, message: message))))
            }
        }
        return results
    }
}

