import Money
import Postgres

/// One value of a section row, decoded by the column's PostgreSQL type. Report SQL returns
/// integers (int2/int4/int8), text-like values or booleans; anything else (numeric, dates,
/// floats) must be cast to text in the SQL, so no value is ever reinterpreted on the way out.
enum ReportCell: PostgresDecodable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case boolean(Bool)

    /// Type OIDs from `pg_type`; fixed by PostgreSQL.
    private enum TypeOID {
        static let bool: UInt32 = 16
        static let name: UInt32 = 19
        static let int8: UInt32 = 20
        static let int2: UInt32 = 21
        static let int4: UInt32 = 23
        static let text: UInt32 = 25
        static let bpchar: UInt32 = 1042
        static let varchar: UInt32 = 1043
    }

    static func decode(_ cell: PostgresCell) throws(PostgresError) -> ReportCell {
        switch cell.typeOID {
        case TypeOID.int8, TypeOID.int4, TypeOID.int2: return .integer(try Int64.decode(cell))
        case TypeOID.text, TypeOID.varchar, TypeOID.name, TypeOID.bpchar: return .text(try String.decode(cell))
        case TypeOID.bool: return .boolean(try Bool.decode(cell))
        default:
            throw .decoding(
                column: cell.column,
                reason:
                    "type oid \(cell.typeOID) is not reported as is; cast it to bigint (amounts, counts) or text in the SQL"
            )
        }
    }
}

/// How a column is written, decided by its name: money columns end in `_micros`, hold integer
/// micro-units, and are written as six-decimal strings under the name without the suffix
/// (`day_spend_micros` → `day_spend`, `"0.800000"`).
struct ReportColumn: Sendable, Equatable {
    let sourceName: String
    let isMoney: Bool

    init(sourceName: String) {
        self.sourceName = sourceName
        self.isMoney = sourceName.hasSuffix("_micros") && sourceName.count > "_micros".count
    }

    /// The name in CSV headers, JSON keys and the HTML page.
    var outputName: String {
        isMoney ? String(sourceName.dropLast("_micros".count)) : sourceName
    }
}

extension ReportCell {
    /// The value as CSV and HTML show it; nil for NULL (an empty CSV field).
    func text(for column: ReportColumn) -> String? {
        switch self {
        case .null: return nil
        case .integer(let value): return column.isMoney ? DecimalAmount.string(fromMicros: value) : String(value)
        case .text(let value): return value
        case .boolean(let value): return value ? "true" : "false"
        }
    }
}
