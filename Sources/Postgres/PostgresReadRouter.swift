import Basics
import Foundation
import Logging
import Synchronization

/// Which kind of server answered a read: the primary, or a standby (hot standby in recovery).
public enum ReadSource: String, Sendable {
    case primary, replica
}

/// Sends reads that may be a little stale (dashboards, reports) to a streaming replica while it
/// is close enough behind the primary, and to the primary otherwise.
///
/// **What goes where.** Only callers that choose `read(_:)` can reach the replica; everything
/// else uses `primary` directly, as without a replica. With no replica configured, `read` is the
/// primary pool and nothing else happens (no checks, no extra queries).
///
/// **How stale an answer may be.** An answer from the replica is at most
/// `replicaLagMaxMilliseconds` older than the primary's data. The router keeps one routing
/// decision for `lagCheckIntervalMilliseconds` (default 1 s); when it has expired, the next read
/// (one at a time; concurrent reads await the same check) measures the replica's staleness
/// bound with `ReplicaStaleness`: one `pg_current_wal_lsn()` on the primary, then
/// `pg_is_in_recovery(), pg_last_wal_replay_lsn()` on the replica. The replica is chosen only
/// when that bound plus the interval the decision is kept fits in the limit, so every answer
/// served under the decision, up to its last moment, stays within the limit. Otherwise reads
/// go to the primary and the check is repeated after the interval.
///
/// **Failures never reach the caller when the primary can answer.** A check that fails or takes
/// longer than `probeTimeoutMilliseconds` (a short connect timeout bounds the connection
/// attempt) routes to the primary; after consecutive failures the replica is tried again only
/// after a growing pause (doubling from the check interval up to `downBackoffMaxMilliseconds`),
/// so a dead replica costs one failed connection attempt per pause, not one per request. A read
/// that fails on the replica for any database reason (connection lost, the replica stopped, a
/// recovery conflict cancelling the statement) runs again, once, on the primary, and a broken
/// connection sends the next reads to the primary until a check succeeds again. Callers may name
/// other errors to retry on the primary (`retryOnPrimary`), such as a "not found" that may only
/// mean the row has not reached the replica yet.
///
/// **Threads.** Every libpq call runs on its connection's own thread (`PostgresConnection`);
/// here there is only awaiting, a mutex around the routing state, and a sleeping task per
/// check that enforces the probe timeout.
///
/// A read URL given as a libpq multi-host string with `target_session_attrs=prefer-standby` may
/// reach the primary when no standby answers: the check sees `pg_is_in_recovery()` false, the
/// replica pool is then as fresh as the primary, and its answers are labelled `primary`.
public final class PostgresReadRouter: Sendable {
    public struct Configuration: Sendable {
        /// The most an answer from the replica may lag behind the primary.
        public var replicaLagMaxMilliseconds: Int
        /// How long one routing decision (and its staleness measurement) is kept.
        public var lagCheckIntervalMilliseconds: Int
        /// A check taking longer than this (connecting included) routes reads to the primary.
        public var probeTimeoutMilliseconds: Int
        /// The longest pause between checks of a replica that keeps failing.
        public var downBackoffMaxMilliseconds: Int

        public init(
            replicaLagMaxMilliseconds: Int = PostgresReadRouter.replicaLagMaxMillisecondsDefault,
            lagCheckIntervalMilliseconds: Int = 1_000,
            probeTimeoutMilliseconds: Int = 2_500,
            downBackoffMaxMilliseconds: Int = 30_000
        ) {
            self.replicaLagMaxMilliseconds = replicaLagMaxMilliseconds
            self.lagCheckIntervalMilliseconds = lagCheckIntervalMilliseconds
            self.probeTimeoutMilliseconds = probeTimeoutMilliseconds
            self.downBackoffMaxMilliseconds = downBackoffMaxMilliseconds
        }
    }

    /// The default limit on how far behind a replica's answers may be.
    public static let replicaLagMaxMillisecondsDefault = 5_000
    /// Accepted values of the limit: 1 ms to 1 hour.
    public static let replicaLagMaxMillisecondsRange = 1...3_600_000

    /// What the last check concluded; for logs, metrics and tests.
    public struct Decision: Sendable, CustomStringConvertible {
        public let source: ReadSource
        /// True when reads go to the replica pool (even when it reached a primary).
        public let usesReplicaPool: Bool
        /// The staleness bound measured, when the replica answered.
        public let stalenessBound: Duration?
        public let reason: String
        let validUntil: ContinuousClock.Instant

        public var description: String {
            let bound = stalenessBound.map { " (behind by at most \($0.wholeMilliseconds) ms)" } ?? ""
            return "\(usesReplicaPool ? "replica pool" : "primary"): \(reason)\(bound)"
        }
    }

    public let primary: PostgresPool
    public let replica: PostgresPool?
    public let configuration: Configuration
    private let logger: Logger?
    private let state = Mutex(State())

    private struct State {
        var staleness = ReplicaStaleness()
        var decision: Decision?
        var check: Task<Decision, Never>?
        var consecutiveFailures = 0
    }

    /// - Parameters:
    ///   - primary: the pool every write and every other read uses; not closed by `close()`.
    ///   - replica: the read pool, or nil when no read URL is configured; owned by the router.
    public init(
        primary: PostgresPool, replica: PostgresPool? = nil, configuration: Configuration = Configuration(),
        logger: Logger? = nil
    ) {
        precondition(
            Self.replicaLagMaxMillisecondsRange.contains(configuration.replicaLagMaxMilliseconds),
            "replicaLagMaxMilliseconds out of range")
        precondition(configuration.lagCheckIntervalMilliseconds > 0, "lagCheckIntervalMilliseconds must be positive")
        precondition(configuration.probeTimeoutMilliseconds > 0, "probeTimeoutMilliseconds must be positive")
        precondition(
            configuration.downBackoffMaxMilliseconds >= configuration.lagCheckIntervalMilliseconds,
            "downBackoffMaxMilliseconds below the check interval")
        self.primary = primary
        self.replica = replica
        self.configuration = configuration
        self.logger = logger
    }

    /// A pool for a read URL: a short connect timeout (libpq's shortest, 2 s) and acquire
    /// timeout, so a replica that does not answer costs little before reads go to the primary.
    public static func replicaPool(connectionString: String, connectionsMax: Int) -> PostgresPool {
        PostgresPool(
            .init(
                connectionString: connectionString, connectionsMax: connectionsMax, acquireTimeoutMilliseconds: 2_000,
                connectTimeoutSeconds: 2))
    }

    /// Runs a read-only `work` on the replica pool when the replica is fresh enough, else on the
    /// primary pool, and says which kind of server answered. `work` may run twice (replica,
    /// then primary), so it must only read.
    public func read<T: Sendable>(
        retryOnPrimary: @Sendable (any Error) -> Bool = { _ in false },
        _ work: @Sendable (PostgresPool) async throws -> T
    ) async throws -> (value: T, source: ReadSource) {
        guard let replica else { return (try await work(primary), .primary) }
        let decision = await currentDecision()
        guard decision.usesReplicaPool else { return (try await work(primary), .primary) }
        do {
            return (try await work(replica), decision.source)
        } catch {
            try fallBack(from: error, retryOnPrimary: retryOnPrimary)
            return (try await work(primary), .primary)
        }
    }

    /// Runs a read-only `body` on one session of the replica once that replica has replayed
    /// everything the primary had written when this call began, else (or when the replica is
    /// not fresh, down, or still behind after `replicaLagMaxMilliseconds` of waiting) on the
    /// primary. An answer from the replica then holds exactly what the primary held at the
    /// start: for a report that must not miss the last settlements of the day it covers. The
    /// wait polls the replica's replay position on the connection's own thread.
    public func readCaughtUp<T: Sendable>(
        retryOnPrimary: @Sendable (any Error) -> Bool = { _ in false },
        _ body: @escaping @Sendable (PostgresSession) throws -> T
    ) async throws -> (value: T, source: ReadSource) {
        guard let replica else { return (try await primary.withSession(body), .primary) }
        let decision = await currentDecision()
        guard decision.usesReplicaPool, let target = await primaryPosition() else {
            return (try await primary.withSession(body), .primary)
        }
        let waitMilliseconds = configuration.replicaLagMaxMilliseconds
        do {
            let value = try await replica.withSession { session in
                try Self.waitForReplay(of: target, session: session, waitMilliseconds: waitMilliseconds)
                return try body(session)
            }
            return (value, decision.source)
        } catch is ReplicaBehind {
            return (try await primary.withSession(body), .primary)
        } catch {
            try fallBack(from: error, retryOnPrimary: retryOnPrimary)
            return (try await primary.withSession(body), .primary)
        }
    }

    /// The replica had not replayed the primary's position in time.
    struct ReplicaBehind: Error {}

    /// Returns when the session's server has replayed `target` (or is not a standby at all),
    /// throws `ReplicaBehind` after `waitMilliseconds`. Runs on the connection's thread.
    static func waitForReplay(of target: WALPosition, session: PostgresSession, waitMilliseconds: Int) throws {
        let deadline = ContinuousClock.now + .milliseconds(waitMilliseconds)
        while true {
            let row = try session.query("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")[0]
            guard try row.decode(0, as: Bool.self) else { return }
            if let text = try row.decodeIfPresent(1, as: String.self), let replayed = WALPosition(text: text),
                replayed >= target
            {
                return
            }
            guard ContinuousClock.now < deadline else { throw ReplicaBehind() }
            usleep(5_000)
        }
    }

    /// Rethrows `error` unless the read should run again on the primary; a broken replica
    /// connection also sends the next reads to the primary.
    private func fallBack(from error: any Error, retryOnPrimary: (any Error) -> Bool) throws {
        if let error = error as? PostgresError {
            switch error {
            case .cancelled: throw error
            case .connectionFailed, .connectionLost, .poolClosed: replicaFailed(error)
            default: break
            }
            return
        }
        guard retryOnPrimary(error) else { throw error }
    }

    /// The decision in force, checking the replica first when the last one has expired.
    public func currentDecision() async -> Decision {
        enum Next {
            case ready(Decision)
            case wait(Task<Decision, Never>)
        }
        let now = ContinuousClock.now
        let next = state.withLock { state -> Next in
            if let decision = state.decision, now < decision.validUntil { return .ready(decision) }
            if let check = state.check { return .wait(check) }
            let check = Task { await self.check() }
            state.check = check
            return .wait(check)
        }
        switch next {
        case .ready(let decision): return decision
        case .wait(let check): return await check.value
        }
    }

    /// Forgets the decision in force, so the next read checks the replica again.
    public func invalidate() {
        state.withLock { $0.decision = nil }
    }

    /// Closes the replica pool (the primary pool belongs to the caller).
    public func close() async {
        await replica?.close()
    }

    // MARK: - Checking the replica

    private enum Measurement: Sendable {
        case replica(inRecovery: Bool, replayed: WALPosition?)
        case failed(String)
    }

    private func check() async -> Decision {
        let measurement = await measureWithDeadline()
        let now = ContinuousClock.now
        let interval = Duration.milliseconds(configuration.lagCheckIntervalMilliseconds)
        let limit = Duration.milliseconds(configuration.replicaLagMaxMilliseconds)
        let (decision, previous) = state.withLock { state -> (Decision, Decision?) in
            let decision: Decision
            switch measurement {
            case .failed(let reason):
                state.consecutiveFailures += 1
                let exponent = min(state.consecutiveFailures - 1, 20)
                let pause = min(
                    configuration.downBackoffMaxMilliseconds, configuration.lagCheckIntervalMilliseconds << exponent)
                decision = Decision(
                    source: .primary, usesReplicaPool: false, stalenessBound: nil,
                    reason: "replica unavailable (\(reason)); checked again in \(pause) ms",
                    validUntil: now + .milliseconds(pause))
            case .replica(inRecovery: false, _):
                state.consecutiveFailures = 0
                decision = Decision(
                    source: .primary, usesReplicaPool: true, stalenessBound: .zero,
                    reason: "the read URL reached a primary", validUntil: now + interval)
            case .replica(inRecovery: true, let replayed):
                state.consecutiveFailures = 0
                let bound = replayed.flatMap { state.staleness.bound(replayed: $0, now: now) }
                if let bound, bound + interval <= limit {
                    decision = Decision(
                        source: .replica, usesReplicaPool: true, stalenessBound: bound, reason: "replica fresh",
                        validUntil: now + interval)
                } else {
                    decision = Decision(
                        source: .primary, usesReplicaPool: false, stalenessBound: bound,
                        reason: bound == nil
                            ? "replica staleness unknown (it has not replayed any recent primary position)"
                            : "replica lag over \(configuration.replicaLagMaxMilliseconds) ms",
                        validUntil: now + interval)
                }
            }
            let previous = state.decision
            state.decision = decision
            state.check = nil
            return (decision, previous)
        }
        if previous?.usesReplicaPool != decision.usesReplicaPool {
            logger?.info("dashboard reads: \(decision)")
        }
        return decision
    }

    /// One measurement, given up after `probeTimeoutMilliseconds` (the database calls go on on
    /// their own threads and finish by their connect timeout; their answer is then ignored).
    private func measureWithDeadline() async -> Measurement {
        let timeout = configuration.probeTimeoutMilliseconds
        return await firstAnswer(withinMilliseconds: timeout, orElse: .failed("no answer within \(timeout) ms")) {
            await self.measure()
        }
    }

    private func measure() async -> Measurement {
        guard let replica else { return .failed("no replica") }
        // The primary's position first, with the instant noted before asking (see
        // `ReplicaStaleness`). When the primary cannot answer, earlier samples still bound the
        // replica's staleness.
        let takenAt = ContinuousClock.now
        if let position = await primaryPosition() {
            state.withLock { $0.staleness.record(.init(takenAt: takenAt, primaryPosition: position)) }
        }
        do {
            let (inRecovery, replayed) = try await replica.withSession { session -> (Bool, String?) in
                let row = try session.query("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")[0]
                return (try row.decode(0, as: Bool.self), try row.decodeIfPresent(1, as: String.self))
            }
            return .replica(inRecovery: inRecovery, replayed: replayed.flatMap(WALPosition.init(text:)))
        } catch {
            return .failed("\(error)".prefix(200).description)
        }
    }

    /// The primary's WAL write position, or nil when it cannot say (down, or in recovery).
    private func primaryPosition() async -> WALPosition? {
        let text = try? await primary.withSession { session -> String in
            try session.query("SELECT pg_current_wal_lsn()::text")[0].decode(0, as: String.self)
        }
        return text.flatMap(WALPosition.init(text:))
    }

    private func replicaFailed(_ error: PostgresError) {
        let now = ContinuousClock.now
        let pause = configuration.lagCheckIntervalMilliseconds
        let changed = state.withLock { state -> Bool in
            guard state.decision?.usesReplicaPool ?? true else { return false }
            state.consecutiveFailures += 1
            state.decision = Decision(
                source: .primary, usesReplicaPool: false, stalenessBound: nil,
                reason: "a read failed on the replica; checked again in \(pause) ms",
                validUntil: now + .milliseconds(pause))
            return true
        }
        if changed { logger?.warning("dashboard reads: replica failed (\(error)); reading from the primary") }
    }
}
