/// Lays statement parameters out as NUL-terminated C strings in one buffer that outlives the
/// libpq call, and never lets a pointer escape the call.
enum ParameterBuffer {
    /// Statements take at most this many parameters (PostgreSQL's own limit is 65,535).
    static let parametersMax = 1_000

    static func withPointers<R>(
        _ parameters: [(any PostgresEncodable)?],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, Int32) throws(PostgresError) -> R
    ) throws(PostgresError) -> R {
        precondition(parameters.count <= parametersMax, "too many statement parameters")
        var storage: [CChar] = []
        var offsets: [Int?] = []
        offsets.reserveCapacity(parameters.count)
        for parameter in parameters {
            guard let parameter, !(parameter is PostgresNull) else {
                offsets.append(nil)
                continue
            }
            let text = parameter.postgresText
            if text.utf8.contains(0) {
                throw .server(ServerError(sqlState: "22021", message: "a parameter contains a NUL byte"))
            }
            offsets.append(storage.count)
            storage.append(contentsOf: text.utf8CString)
        }
        return try storage.withUnsafeBufferPointer { (bytes) throws(PostgresError) -> R in
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset.map { bytes.baseAddress! + $0 }
            }
            return try pointers.withUnsafeBufferPointer { (array) throws(PostgresError) -> R in
                try body(array.baseAddress, Int32(parameters.count))
            }
        }
    }
}
