import CLibPQ

/// The rows of one statement's result, read straight from libpq's `PGresult` without copying.
///
/// `@unchecked Sendable`: a `PGresult` is immutable once returned and libpq documents it as safe
/// to read from any thread; it is freed exactly once, in `deinit`.
public final class PostgresRows: @unchecked Sendable, RandomAccessCollection {
    let result: OpaquePointer
    public let count: Int
    public let columnCount: Int
    /// Rows affected by an INSERT/UPDATE/DELETE (`PQcmdTuples`), 0 for other statements.
    public let affectedRows: Int

    init(taking result: OpaquePointer) {
        self.result = result
        self.count = Int(PQntuples(result))
        self.columnCount = Int(PQnfields(result))
        self.affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    deinit { PQclear(result) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < count, "row \(position) out of range 0..<\(count)")
        return PostgresRow(rows: self, index: Int32(position))
    }

    /// The name of a column, for error messages.
    public func columnName(_ column: Int) -> String {
        String(cString: PQfname(result, Int32(column)))
    }

    /// The index of the column with this name.
    public func columnIndex(_ name: String) -> Int? {
        let index = Int(PQfnumber(result, name))
        return index >= 0 ? index : nil
    }
}

/// One row of a result. Columns are read by position or name, each as a typed Swift value.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int32

    /// The column's value decoded as `T`; throws for NULL or a type mismatch.
    public func decode<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard let value = try decodeIfPresent(column, as: type) else {
            throw .decoding(column: rows.columnName(column), reason: "is NULL, expected \(T.self)")
        }
        return value
    }

    /// The column's value decoded as `T`, or nil for NULL.
    public func decodeIfPresent<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws(PostgresError)
        -> T?
    {
        precondition(column >= 0 && column < rows.columnCount, "column \(column) out of range")
        let result = rows.result
        let field = Int32(column)
        if PQgetisnull(result, index, field) != 0 { return nil }
        let length = Int(PQgetlength(result, index, field))
        guard let start = PQgetvalue(result, index, field) else { return nil }
        let bytes = UnsafeRawBufferPointer(start: start, count: length)
        let cell = PostgresCell(bytes: bytes, typeOID: PQftype(result, field), column: rows.columnName(column))
        return try T.decode(cell)
    }

    /// The named column's value decoded as `T`.
    public func decode<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard let column = rows.columnIndex(name) else {
            throw .decoding(column: name, reason: "no such column")
        }
        return try decode(column, as: type)
    }

    /// The named column's value decoded as `T`, or nil for NULL.
    public func decodeIfPresent<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws(PostgresError)
        -> T?
    {
        guard let column = rows.columnIndex(name) else {
            throw .decoding(column: name, reason: "no such column")
        }
        return try decodeIfPresent(column, as: type)
    }
}
