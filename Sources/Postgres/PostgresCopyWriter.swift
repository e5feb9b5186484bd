import CLibPQ

/// Buffers `COPY FROM STDIN` text-format rows and hands them to libpq in large chunks.
public struct PostgresCopyWriter {
    /// Bytes buffered before a `PQputCopyData` call.
    public static let chunkBytes = 256 * 1024

    let handle: OpaquePointer
    private var buffer: [UInt8] = []

    init(handle: OpaquePointer) {
        self.handle = handle
        buffer.reserveCapacity(Self.chunkBytes + 4096)
    }

    /// Appends one row. Fields are escaped for COPY's text format; nil is NULL (`\N`).
    public mutating func appendRow(_ fields: [String?]) throws(PostgresError) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            guard let field else {
                buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
                continue
            }
            for byte in field.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= Self.chunkBytes { try flush() }
    }

    mutating func flush() throws(PostgresError) {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else {
            throw .connectionLost(
                String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
