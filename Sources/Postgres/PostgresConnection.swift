import CLibPQ
import Dispatch
import Foundation

/// One libpq connection confined to its own serial dispatch queue.
///
/// libpq calls block, so none may run on Swift's cooperative pool (two threads on this
/// machine). Every call on `handle` happens on `queue`, which also satisfies libpq's rule that
/// a `PGconn` is used by one thread at a time. A lost connection is re-established lazily, on
/// the next use, so callers see clean errors while the server is down and success after.
///
/// `@unchecked Sendable`: `handle` is read and written only on `queue`.
public final class PostgresConnection: @unchecked Sendable {
    let connectionString: String
    let connectTimeoutSeconds: Int
    /// The server ends this session when it sits inside a transaction doing nothing for this
    /// long (`idle_in_transaction_session_timeout`), releasing its locks; nil keeps the server's
    /// setting. What a stopped or frozen process holds then stops blocking its siblings.
    let idleInTransactionTimeoutMilliseconds: Int?
    /// Counts this connection's commits (the pool's counter), when set.
    let commitCounter: PostgresCommitCounter?
    private let queue: DispatchQueue
    private var handle: OpaquePointer?
    /// Statements prepared on `handle`, by SQL text; emptied whenever `handle` is replaced or
    /// reset, because the server forgets them with the session.
    var preparedStatementNames: [String: String] = [:]
    /// Statements one connection keeps prepared; later ones run unprepared. Only fixed SQL
    /// text from the code base is prepared, so this is never reached in practice.
    static let preparedStatementsMax = 64

    /// Creates an unconnected connection; it connects on first use.
    public init(
        connectionString: String, label: String = "videoledger.postgres", connectTimeoutSeconds: Int = 5,
        idleInTransactionTimeoutMilliseconds: Int? = nil, commitCounter: PostgresCommitCounter? = nil
    ) {
        precondition(connectTimeoutSeconds > 0 && connectTimeoutSeconds <= 300, "connect timeout out of range")
        precondition(
            idleInTransactionTimeoutMilliseconds.map { (1...86_400_000).contains($0) } ?? true,
            "idle-in-transaction timeout out of range")
        self.connectionString = connectionString
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.idleInTransactionTimeoutMilliseconds = idleInTransactionTimeoutMilliseconds
        self.commitCounter = commitCounter
        self.queue = DispatchQueue(label: label)
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Runs `body` with a session on this connection's thread and returns its result.
    @discardableResult
    public func withSession<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) throws -> T) async throws -> T {
        if Task.isCancelled { throw PostgresError.cancelled }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(PostgresSession(connection: self)) })
            }
        }
    }

    /// Closes the connection; the next use reconnects.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if let handle = self.handle { PQfinish(handle) }
                self.handle = nil
                self.preparedStatementNames = [:]
                continuation.resume()
            }
        }
    }

    // MARK: - Used on `queue` only

    var isUsable: Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The connected handle, connecting or resetting first when needed.
    func liveHandle() throws(PostgresError) -> OpaquePointer {
        dispatchPrecondition(condition: .onQueue(queue))
        if let handle {
            if PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) != PQTRANS_UNKNOWN { return handle }
            PQreset(handle)
            preparedStatementNames = [:]
            guard PQstatus(handle) == CONNECTION_OK else { throw .connectionFailed(Self.errorMessage(handle)) }
            try applySessionSettings(handle)
            return handle
        }
        let fresh = connect()
        guard let fresh, PQstatus(fresh) == CONNECTION_OK else {
            let message = fresh.map(Self.errorMessage) ?? "out of memory"
            if let fresh { PQfinish(fresh) }
            throw .connectionFailed(message)
        }
        PQsetNoticeProcessor(fresh, { _, _ in }, nil)
        handle = fresh
        preparedStatementNames = [:]
        try applySessionSettings(fresh)
        return fresh
    }

    /// Settings every session of this connection starts with, set again after a reset (the
    /// server forgets them with the session).
    private func applySessionSettings(_ handle: OpaquePointer) throws(PostgresError) {
        guard let milliseconds = idleInTransactionTimeoutMilliseconds else { return }
        let result = PQexec(handle, "SET idle_in_transaction_session_timeout = \(milliseconds)")
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw .connectionFailed(Self.errorMessage(handle)) }
    }

    /// Turns a statement's result into rows or a typed error, freeing it on error.
    func checked(_ result: OpaquePointer?) throws(PostgresError) -> PostgresRows {
        guard let result else { throw failure() }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_SINGLE_TUPLE:
            noteIfCommitted(result)
            return PostgresRows(taking: result)
        default:
            let error = Self.serverError(result)
            PQclear(result)
            // Errors the server reports carry a SQLSTATE; errors libpq makes up itself (a
            // dropped socket, a dead server) do not.
            if error.sqlState == nil || (handle.map { PQstatus($0) != CONNECTION_OK } ?? true) {
                throw .connectionLost(error.message)
            }
            throw .server(
                ServerError(
                    sqlState: error.sqlState!, message: error.message, detail: error.detail,
                    constraint: error.constraint))
        }
    }

    /// A successful statement that leaves the connection idle ended a transaction: an autocommit
    /// statement or a `COMMIT` committed it, a `ROLLBACK` (or the `COMMIT` of a failed
    /// transaction, which the server answers `ROLLBACK`) did not.
    private func noteIfCommitted(_ result: OpaquePointer) {
        guard let commitCounter, let handle, PQtransactionStatus(handle) == PQTRANS_IDLE else { return }
        guard let tag = PQcmdStatus(result), strcmp(tag, "ROLLBACK") != 0 else { return }
        commitCounter.noteCommitted()
    }

    /// The error for a call that returned no result at all.
    func failure() -> PostgresError {
        guard let handle else { return .connectionLost("not connected") }
        let message = Self.errorMessage(handle)
        return PQstatus(handle) == CONNECTION_OK
            ? .server(ServerError(sqlState: "XX000", message: message)) : .connectionLost(message)
    }

    private func connect() -> OpaquePointer? {
        let keywords = ["dbname", "application_name", "connect_timeout"]
        let values = [connectionString, "videoledger", String(connectTimeoutSeconds)]
        let keywordStrings = keywords.map { strdup($0) }
        let valueStrings = values.map { strdup($0) }
        defer {
            for pointer in keywordStrings + valueStrings { free(pointer) }
        }
        var keywordPointers: [UnsafePointer<CChar>?] = keywordStrings.map { UnsafePointer($0) } + [nil]
        var valuePointers: [UnsafePointer<CChar>?] = valueStrings.map { UnsafePointer($0) } + [nil]
        return keywordPointers.withUnsafeMutableBufferPointer { keywordBuffer in
            valuePointers.withUnsafeMutableBufferPointer { valueBuffer in
                PQconnectdbParams(keywordBuffer.baseAddress, valueBuffer.baseAddress, 1)
            }
        }
    }

    static func errorMessage(_ handle: OpaquePointer) -> String {
        String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The error fields of a failed result; `sqlState` is nil for errors libpq made up itself.
    static func serverError(_ result: OpaquePointer) -> (
        sqlState: String?, message: String, detail: String?, constraint: String?
    ) {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let message = field("M") ?? String(cString: PQresultErrorMessage(result))
        return (field("C"), message.trimmingCharacters(in: .whitespacesAndNewlines), field("D"), field("n"))
    }
}
