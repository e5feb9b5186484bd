import Synchronization

/// A bounded pool of `PostgresConnection`s.
///
/// At most `connectionsMax` connections (and therefore threads) exist; callers beyond that wait
/// in a FIFO queue of at most `waitersMax`, each for at most `acquireTimeoutMilliseconds`.
/// Connections are opened lazily and reconnect themselves after a server restart.
public final class PostgresPool: Sendable {
    public struct Configuration: Sendable {
        public var connectionString: String
        public var connectionsMax: Int
        public var waitersMax: Int
        public var acquireTimeoutMilliseconds: Int
        public var connectTimeoutSeconds: Int
        /// See `PostgresConnection.idleInTransactionTimeoutMilliseconds`; nil keeps the server's.
        public var idleInTransactionTimeoutMilliseconds: Int?

        public init(
            connectionString: String,
            connectionsMax: Int = 8,
            waitersMax: Int = 10_000,
            acquireTimeoutMilliseconds: Int = 10_000,
            connectTimeoutSeconds: Int = 5,
            idleInTransactionTimeoutMilliseconds: Int? = nil
        ) {
            self.connectionString = connectionString
            self.connectionsMax = connectionsMax
            self.waitersMax = waitersMax
            self.acquireTimeoutMilliseconds = acquireTimeoutMilliseconds
            self.connectTimeoutSeconds = connectTimeoutSeconds
            self.idleInTransactionTimeoutMilliseconds = idleInTransactionTimeoutMilliseconds
        }
    }

    public let configuration: Configuration
    /// Transactions committed through this pool's connections (see `PostgresCommitCounter`).
    public let commits = PostgresCommitCounter()
    private let state: Mutex<State>

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<PostgresConnection, any Error>
    }

    private struct State {
        var idle: [PostgresConnection] = []
        var opened = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
    }

    public init(_ configuration: Configuration) {
        precondition(
            configuration.connectionsMax >= 1 && configuration.connectionsMax <= 256, "connectionsMax out of range")
        precondition(configuration.waitersMax >= 0, "waitersMax must not be negative")
        precondition(configuration.acquireTimeoutMilliseconds > 0, "acquire timeout must be positive")
        self.configuration = configuration
        self.state = Mutex(State())
    }

    /// Runs `body` on a pooled connection's thread.
    @discardableResult
    public func withSession<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        let connection = try await acquire()
        defer { release(connection) }
        return try await connection.withSession(body)
    }

    /// Runs `body` in a transaction on a pooled connection, retrying serialization failures and
    /// deadlocks (see `PostgresSession.transaction`).
    @discardableResult
    public func transaction<T: Sendable>(
        isolation: IsolationLevel = .readCommitted,
        attemptsMax: Int = PostgresSession.conflictAttemptsMax,
        _ body: @escaping @Sendable (PostgresSession) throws -> T
    ) async throws -> T {
        try await withSession { session in
            try session.transaction(isolation: isolation, attemptsMax: attemptsMax, body)
        }
    }

    /// Fails waiting callers and closes idle connections; connections in use close on release.
    public func close() async {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.idle.removeAll()
                state.waiters.removeAll()
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: PostgresError.poolClosed) }
        for connection in idle { await connection.close() }
    }

    /// Connections opened so far and connections idle now, for metrics and tests.
    public var usage: (opened: Int, idle: Int) {
        state.withLock { ($0.opened, $0.idle.count) }
    }

    // MARK: - Acquire and release

    func acquire() async throws -> PostgresConnection {
        if Task.isCancelled { throw PostgresError.cancelled }
        let waiterID = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let timeoutTask = Mutex<Task<Void, Never>?>(nil)
        defer { timeoutTask.withLock { $0?.cancel() } }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                enum Outcome {
                    case ready(PostgresConnection)
                    case failed(PostgresError)
                    case waiting
                }
                let outcome = state.withLock { state -> Outcome in
                    if state.closed { return .failed(.poolClosed) }
                    if let connection = state.idle.popLast() { return .ready(connection) }
                    if state.opened < configuration.connectionsMax {
                        state.opened += 1
                        return .ready(makeConnection(number: state.opened))
                    }
                    guard state.waiters.count < configuration.waitersMax else {
                        return .failed(.poolExhausted("\(state.waiters.count) callers already waiting"))
                    }
                    state.waiters.append(Waiter(id: waiterID, continuation: continuation))
                    return .waiting
                }
                switch outcome {
                case .ready(let connection): continuation.resume(returning: connection)
                case .failed(let error): continuation.resume(throwing: error)
                case .waiting:
                    let timeoutMilliseconds = configuration.acquireTimeoutMilliseconds
                    timeoutTask.withLock {
                        $0 = Task { [weak self] in
                            try? await Task.sleep(for: .milliseconds(timeoutMilliseconds))
                            guard !Task.isCancelled else { return }
                            self?.abandonWaiter(waiterID, with: .poolExhausted("waited \(timeoutMilliseconds) ms"))
                        }
                    }
                }
            }
        } onCancel: {
            abandonWaiter(waiterID, with: .cancelled)
        }
    }

    func release(_ connection: PostgresConnection) {
        let handOff = state.withLock { state -> (Waiter?, Bool) in
            if state.closed {
                state.opened -= 1
                return (nil, true)
            }
            if !state.waiters.isEmpty { return (state.waiters.removeFirst(), false) }
            state.idle.append(connection)
            precondition(state.idle.count <= state.opened, "more idle connections than opened")
            return (nil, false)
        }
        if let waiter = handOff.0 { waiter.continuation.resume(returning: connection) }
        if handOff.1 { Task { await connection.close() } }
    }

    private func abandonWaiter(_ id: UInt64, with error: PostgresError) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    private func makeConnection(number: Int) -> PostgresConnection {
        PostgresConnection(
            connectionString: configuration.connectionString,
            label: "videoledger.postgres.\(number)",
            connectTimeoutSeconds: configuration.connectTimeoutSeconds,
            idleInTransactionTimeoutMilliseconds: configuration.idleInTransactionTimeoutMilliseconds,
            commitCounter: commits)
    }
}
