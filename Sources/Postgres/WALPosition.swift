/// A position in PostgreSQL's write-ahead log (`pg_lsn`, written `16/B374D848`): the two
/// halves are hexadecimal, high and low 32 bits. Positions of one cluster and its standbys
/// compare as numbers; the server sends them as text here (`::text`), parsed once in this type.
public struct WALPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let value: UInt64

    public init(value: UInt64) {
        self.value = value
    }

    /// Parses `X/Y` (each 1-8 hex digits); nil for anything else.
    public init?(text: String) {
        let halves = text.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, (1...8).contains(halves[0].count), (1...8).contains(halves[1].count),
            let high = UInt64(halves[0], radix: 16), let low = UInt64(halves[1], radix: 16)
        else { return nil }
        self.value = high << 32 | low
    }

    public var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    public static func < (lhs: WALPosition, rhs: WALPosition) -> Bool { lhs.value < rhs.value }
}
