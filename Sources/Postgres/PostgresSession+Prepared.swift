import CLibPQ

extension PostgresSession {
    /// Runs a statement prepared once per connection, then reused: the server parses and plans
    /// it once instead of on every call, which is most of a short statement's server time.
    /// For fixed SQL text on hot paths only (the text is the cache key); anything past
    /// `PostgresConnection.preparedStatementsMax` distinct statements runs unprepared.
    @discardableResult
    public func queryPrepared(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError)
        -> PostgresRows
    {
        let handle = try connection.liveHandle()
        let name: String
        if let known = connection.preparedStatementNames[sql] {
            name = known
        } else {
            guard connection.preparedStatementNames.count < PostgresConnection.preparedStatementsMax else {
                return try query(sql, parameters)
            }
            name = "videoledger_\(connection.preparedStatementNames.count)"
            _ = try connection.checked(PQprepare(handle, name, sql, Int32(parameters.count), nil))
            connection.preparedStatementNames[sql] = name
        }
        let result = try ParameterBuffer.withPointers(parameters) {
            (values, count) throws(PostgresError) -> OpaquePointer? in
            PQexecPrepared(handle, name, count, values, nil, nil, 1)
        }
        return try connection.checked(result)
    }

    /// `queryPrepared` for a statement whose rows are not read: the number of rows it affected.
    @discardableResult
    public func executePrepared(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError)
        -> Int
    {
        try queryPrepared(sql, parameters).affectedRows
    }
}
