import Foundation

/// One non-NULL value in PostgreSQL's binary result format, with its type OID.
public struct PostgresCell {
    public let bytes: UnsafeRawBufferPointer
    public let typeOID: UInt32
    public let column: String

    /// A decoding error naming this column.
    func mismatch(_ expected: String) -> PostgresError {
        .decoding(column: column, reason: "type oid \(typeOID) (\(bytes.count) bytes) is not \(expected)")
    }

    /// A big-endian integer of exactly `T`'s width.
    func integer<T: FixedWidthInteger>(_: T.Type) throws(PostgresError) -> T {
        guard bytes.count == MemoryLayout<T>.size else { throw mismatch("\(T.self)") }
        return T(bigEndian: bytes.loadUnaligned(as: T.self))
    }
}

/// Type OIDs the decoders accept (from `pg_type`).
enum PostgresTypeOID {
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let name: UInt32 = 19
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let json: UInt32 = 114
    static let bpchar: UInt32 = 1042
    static let varchar: UInt32 = 1043
    static let date: UInt32 = 1082
    static let timestamp: UInt32 = 1114
    static let timestamptz: UInt32 = 1184
    static let uuid: UInt32 = 2950
    static let jsonb: UInt32 = 3802

    static let textual: Set<UInt32> = [text, varchar, name, bpchar, json]
}

/// A Swift type a result column can be decoded into. Results come in binary format: integers
/// are big-endian, timestamps are microseconds since 2000-01-01, jsonb is a version byte + text.
public protocol PostgresDecodable {
    static func decode(_ cell: PostgresCell) throws(PostgresError) -> Self
}

extension Int64: PostgresDecodable {
    /// Accepts int8, int4 and int2 columns (widening is exact).
    public static func decode(_ cell: PostgresCell) throws(PostgresError) -> Int64 {
        switch cell.typeOID {
        case PostgresTypeOID.int8: return try cell.integer(Int64.self)
        case PostgresTypeOID.int4: return Int64(try cell.integer(Int32.self))
        case PostgresTypeOID.int2: return Int64(try cell.integer(Int16.self))
        default: throw cell.mismatch("an integer")
        }
    }
}

extension Int: PostgresDecodable {
    public static func decode(_ cell: PostgresCell) throws(PostgresError) -> Int {
        Int(try Int64.decode(cell))
    }
}

extension Int32: PostgresDecodable {
    /// Accepts int4 and int2, and int8 only when the value fits.
    public static func decode(_ cell: PostgresCell) throws(PostgresError) -> Int32 {
        let wide = try Int64.decode(cell)
        guard let narrow = Int32(exactly: wide) else { throw cell.mismatch("an int4-sized integer") }
        return narrow
    }
}

extension Bool: PostgresDecodable {
    public static func decode(_ cell: PostgresCell) throws(PostgresError) -> Bool {
        guard cell.typeOID == PostgresTypeOID.bool, cell.bytes.count == 1 else { throw cell.mismatch("bool") }
        return cell.bytes[0] != 0
    }
}

extension String: PostgresDecodable {
    /// Accepts text-like columns, json, and jsonb (whose binary form is a version byte + text).
    public static func decode(_ cell: PostgresCell) throws(PostgresError) -> String {
        if PostgresTypeOID.textual.contains(cell.typeOID) {
            return String(decoding: cell.bytes, as: UTF8.self)
        }
        if cell.typeOID == PostgresTypeOID.jsonb, cell.bytes.first == 1 {
            return String(decoding: UnsafeRawBufferPointer(rebasing: cell.bytes.dropFirst()), as: UTF8.self)
        }
        if cell.typeOID == PostgresTypeOID.uuid { return try UUID.decode(cell).uuidString.lowercased() }
        throw cell.mismatch("text")
    }
}

extension UUID: PostgresDecodable {
    public static func decode(_ cell: PostgresCell) throws(PostgresError) -> UUID {
        guard cell.typeOID == PostgresTypeOID.uuid, cell.bytes.count == 16 else { throw cell.mismatch("uuid") }
        let b = cell.bytes
        return UUID(
            uuid: (
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]
            ))
    }
}

extension PostgresTimestamp: PostgresDecodable {
    /// Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01 UTC).
    static let postgresEpochOffsetMicroseconds: Int64 = 946_684_800_000_000

    public static func decode(_ cell: PostgresCell) throws(PostgresError) -> PostgresTimestamp {
        guard cell.typeOID == PostgresTypeOID.timestamptz || cell.typeOID == PostgresTypeOID.timestamp else {
            throw cell.mismatch("timestamptz")
        }
        let sincePostgresEpoch = try cell.integer(Int64.self)
        // 'infinity' is Int64.max and '-infinity' Int64.min: saturate rather than overflow.
        let (micros, overflow) = sincePostgresEpoch.addingReportingOverflow(postgresEpochOffsetMicroseconds)
        return PostgresTimestamp(microsecondsSinceEpoch: overflow ? .max : micros)
    }
}

extension Date: PostgresDecodable {
    public static func decode(_ cell: PostgresCell) throws(PostgresError) -> Date {
        try PostgresTimestamp.decode(cell).date
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    /// bytea columns.
    public static func decode(_ cell: PostgresCell) throws(PostgresError) -> [UInt8] {
        guard cell.typeOID == PostgresTypeOID.bytea else { throw cell.mismatch("bytea") }
        return [UInt8](cell.bytes)
    }
}
