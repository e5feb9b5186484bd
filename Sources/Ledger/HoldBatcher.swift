import Foundation
import Money
import Postgres
import Synchronization

/// Group commit for holds: concurrent callers' holds share one statement and one commit.
///
/// A commit costs a WAL flush (about half a millisecond here); with one commit per hold the
/// ledger tops out near pgbench's ~2,200 transactions/s. Callers are split into
/// `batchesInFlightMax` lanes by user, and each lane runs one batch at a time: callers arriving
/// while their lane's batch runs wait for its next batch, so batches grow with load and stay at
/// one hold when the ledger is idle (no added latency). Lanes never share a user, so batches
/// running at once never wait on each other's account locks (with random users, overlapping
/// batches serialized behind each other and group commit ran slower than single holds).
/// `ledger_hold_batch` answers each hold as `ledger_hold` alone would, so one refused hold
/// does not undo the others, and every caller hears its result only after the shared commit is
/// durable.
public final class HoldBatcher: Sendable {
    public struct Configuration: Sendable {
        /// Holds per statement.
        public var batchSizeMax: Int
        /// Lanes, and so batches (and pool connections) in flight at once.
        public var batchesInFlightMax: Int
        /// Callers waiting across all lanes; one more is refused at once (`poolExhausted`).
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

    private struct Lane {
        var pending: [Pending] = []
        var running = false
    }

    private struct State {
        var lanes: [Lane]
        var pendingCount = 0
    }

    public let pool: PostgresPool
    public let configuration: Configuration
    private let state: Mutex<State>

    public init(pool: PostgresPool, configuration: Configuration = .init()) {
        precondition(
            configuration.batchSizeMax >= 1 && configuration.batchSizeMax <= 1_000, "batchSizeMax out of range")
        precondition(
            configuration.batchesInFlightMax >= 1 && configuration.batchesInFlightMax <= 256,
            "batchesInFlightMax out of range")
        precondition(configuration.pendingMax >= 1, "pendingMax must be positive")
        self.pool = pool
        self.configuration = configuration
        self.state = Mutex(State(lanes: Array(repeating: Lane(), count: configuration.batchesInFlightMax)))
    }

    /// Holds `request.amount`; returns the hold id once the batch holding it has committed.
    public func hold(_ request: Request) async throws -> Int64 {
        let lane = Self.lane(of: request.userID, lanes: configuration.batchesInFlightMax)
        return try await withCheckedThrowingContinuation { continuation in
            enum Admission { case queued, startLane, refused }
            let admission = state.withLock { state -> Admission in
                guard state.pendingCount < configuration.pendingMax else { return .refused }
                state.pendingCount += 1
                state.lanes[lane].pending.append(Pending(request: request, continuation: continuation))
                guard !state.lanes[lane].running else { return .queued }
                state.lanes[lane].running = true
                return .startLane
            }
            switch admission {
            case .queued: break
            case .startLane: Task { await self.runLane(lane) }
            case .refused:
                continuation.resume(
                    throwing: LedgerError.database(
                        .poolExhausted("\(configuration.pendingMax) holds already waiting for group commit")))
            }
        }
    }

    /// A user's lane: stable for the process, so all of one user's holds queue in one lane.
    static func lane(of userID: String, lanes: Int) -> Int {
        var hasher = Hasher()
        hasher.combine(userID)
        return Int(UInt(bitPattern: hasher.finalize()) % UInt(lanes))
    }

    /// Runs the lane's batches until it has nothing pending, then marks it idle.
    private func runLane(_ lane: Int) async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let count = min(state.lanes[lane].pending.count, configuration.batchSizeMax)
                let batch = Array(state.lanes[lane].pending.prefix(count))
                state.lanes[lane].pending.removeFirst(count)
                state.pendingCount -= count
                precondition(state.pendingCount >= 0, "hold batcher pending count below zero")
                if batch.isEmpty { state.lanes[lane].running = false }
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

    private static func holdBatch(_ session: PostgresSession, _ requests: [Request]) throws -> [Result<
        Int64, any Error
    >] {
        let rows = try session.query(
            "SELECT ordinal, hold_id, error_code, error_message FROM ledger_hold_batch($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::uuid[])",
            [
                requests.map(\.key), requests.map(\.userID), requests.map(\.amount.currency.rawValue),
                requests.map(\.amount.micros), requests.map(\.provider),
                PostgresArrayWithNulls(requests.map { $0.jobID?.uuidString.lowercased() }),
            ])
        var results = [Result<Int64, any Error>](
            repeating: .failure(LedgerError.database(.cancelled)), count: requests.count)
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
