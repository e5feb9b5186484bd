import CLibPQ

extension PostgresSession {
    /// Streams a query's rows one at a time with libpq's single-row mode: no cursor, so the
    /// server may run the query with a parallel plan (PostgreSQL never parallelizes a
    /// `DECLARE CURSOR` query), and memory stays flat because libpq holds one row at a time and
    /// TCP back-pressure pauses the server while `body` works.
    ///
    /// Use it for large reads that aggregate (reports); `forEachRow` remains the choice when the
    /// caller wants batches or to stop early cheaply. When `body` throws, the query is cancelled,
    /// its remaining results are drained (the connection stays usable) and the error rethrown.
    public func forEachRowSingleRowMode(
        _ sql: String,
        _ parameters: [(any PostgresEncodable)?] = [],
        _ body: (PostgresRow) throws -> Void
    ) throws {
        let handle = try connection.liveHandle()
        let sent = try ParameterBuffer.withPointers(parameters) { (values, count) throws(PostgresError) -> Int32 in
            PQsendQueryParams(handle, sql, count, nil, values, nil, nil, 1)
        }
        guard sent == 1 else { throw connection.failure() }
        var failure: (any Error)?
        if PQsetSingleRowMode(handle) != 1 {
            failure = PostgresError.server(ServerError(sqlState: "XX000", message: "libpq refused single-row mode"))
            Self.cancel(handle)
        }
        while let result = PQgetResult(handle) {
            if failure != nil {
                PQclear(result)
                continue
            }
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                let rows = PostgresRows(taking: result)
                do {
                    try body(rows[0])
                } catch {
                    failure = error
                    Self.cancel(handle)
                }
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                PQclear(result)  // the end of the rows
            default:
                do {
                    _ = try connection.checked(result)  // frees the result and throws its error
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
    }

    /// Asks the server to stop the running query; its error result is then drained and ignored.
    private static func cancel(_ handle: OpaquePointer) {
        guard let cancel = PQgetCancel(handle) else { return }
        var message = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &message, Int32(message.count))
        PQfreeCancel(cancel)
    }
}
