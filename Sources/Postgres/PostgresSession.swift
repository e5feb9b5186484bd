import CLibPQ
import Foundation

/// Synchronous statements on one connection, valid only inside `PostgresConnection.withSession`,
/// which runs on the connection's own thread. Blocking here is the point: libpq blocks, and this
/// thread is not one of Swift's cooperative threads.
public struct PostgresSession {
    let connection: PostgresConnection

    /// Runs one statement with parameters and returns its rows (binary result format).
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError)
        -> PostgresRows
    {
        let handle = try connection.liveHandle()
        let result = try ParameterBuffer.withPointers(parameters) {
            (values, count) throws(PostgresError) -> OpaquePointer? in
            PQexecParams(handle, sql, count, nil, values, nil, nil, 1)
        }
        return try connection.checked(result)
    }

    /// Runs one statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError) -> Int {
        try query(sql, parameters).affectedRows
    }

    /// How often a transaction is tried when it fails with a serialization failure, a deadlock
    /// or a lock timeout (40001, 40P01, 55P03, also when wrapped: `PostgresErrorWrapping`). Deadlocks should not
    /// happen on the job path (its lock order is in docs/job-lifecycle.md); this is the net under
    /// that rule, bounded so a cycle that keeps coming back ends as an error, not a loop.
    public static let conflictAttemptsMax = 5

    /// Runs `body` in a transaction, committing when it returns and rolling back when it throws.
    /// Serialization failures and deadlocks retry the whole body, up to `attemptsMax` times, with
    /// a short jittered pause; the body must therefore have no effects outside the database.
    public func transaction<T>(
        isolation: IsolationLevel = .readCommitted,
        attemptsMax: Int = PostgresSession.conflictAttemptsMax,
        _ body: (PostgresSession) throws -> T
    ) throws -> T {
        precondition(attemptsMax >= 1 && attemptsMax <= 100, "attemptsMax out of range")
        var attempt = 1
        while true {
            try execute("BEGIN ISOLATION LEVEL \(isolation.sql)")
            do {
                let value = try body(self)
                try execute("COMMIT")
                return value
            } catch {
                rollbackQuietly()
                guard PostgresError.isTransientConflict(error), attempt < attemptsMax else { throw error }
                attempt += 1
                usleep(UInt32.random(in: 200...2_000) * UInt32(attempt))
            }
        }
    }

    /// Streams a query's rows in batches of `batchRows` through a server-side cursor, so memory
    /// stays flat however many rows the query returns. Must run inside a transaction.
    public func forEachRow(
        _ sql: String,
        _ parameters: [(any PostgresEncodable)?] = [],
        batchRows: Int = 5_000,
        _ body: (PostgresRow) throws -> Void
    ) throws {
        precondition(batchRows > 0 && batchRows <= 1_000_000, "batchRows out of range")
        try execute("DECLARE videoledger_stream NO SCROLL CURSOR FOR " + sql, parameters)
        defer { _ = try? execute("CLOSE videoledger_stream") }
        while true {
            let rows = try query("FETCH FORWARD \(batchRows) FROM videoledger_stream")
            for row in rows { try body(row) }
            if rows.count < batchRows { return }
        }
    }

    /// Bulk-loads rows with `COPY … FROM STDIN` (text format). `produce` appends rows to the
    /// writer, which sends them in chunks of `PostgresCopyWriter.chunkBytes`. Returns rows copied.
    @discardableResult
    public func copyIn(_ copySQL: String, _ produce: (inout PostgresCopyWriter) throws -> Void) throws -> Int {
        let handle = try connection.liveHandle()
        guard let start = PQexec(handle, copySQL) else { throw connection.failure() }
        let status = PQresultStatus(start)
        if status != PGRES_COPY_IN {
            _ = try connection.checked(start)
            preconditionFailure("COPY statement did not enter COPY IN: \(copySQL)")
        }
        PQclear(start)
        var writer = PostgresCopyWriter(handle: handle)
        do {
            try produce(&writer)
            try writer.flush()
        } catch {
            _ = PQputCopyEnd(handle, "aborted by client")
            while let result = PQgetResult(handle) { PQclear(result) }
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw connection.failure() }
        let rows = try connection.checked(PQgetResult(handle))
        while let extra = PQgetResult(handle) { PQclear(extra) }
        return rows.affectedRows
    }

    private func rollbackQuietly() {
        guard connection.isUsable else { return }
        _ = try? execute("ROLLBACK")
    }
}

@available(*, unavailable, message: "a session belongs to its connection's thread")
extension PostgresSession: Sendable {}

/// Transaction isolation levels.
public enum IsolationLevel: Sendable {
    case readCommitted, repeatableRead, serializable

    var sql: String {
        switch self {
        case .readCommitted: return "READ COMMITTED"
        case .repeatableRead: return "REPEATABLE READ"
        case .serializable: return "SERIALIZABLE"
        }
    }
}

extension PostgresSession {
    /// Runs a script of several statements (a migration file) with the simple query protocol.
    /// Takes no parameters by design: scripts are files from the repository, never user input.
    public func executeScript(_ script: String) throws(PostgresError) {
        let handle = try connection.liveHandle()
        _ = try connection.checked(PQexec(handle, script))
        while let extra = PQgetResult(handle) { PQclear(extra) }
    }
}
