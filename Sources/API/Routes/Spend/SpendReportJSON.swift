import Basics
import Hummingbird
import Reports

/// The spend report's JSON, written directly into the response buffer.
///
/// A year grouped by day is 366 groups; `JSONEncoder` (snake-case keys, sorted) spent more CPU
/// on that than the database spent answering, and held the route's p99 at about twice the
/// bare SQL's. The output is byte for byte what `JSONResponse.encoder` gives for `Report`
/// (sorted keys, snake case), which a test checks.
enum SpendReportJSON {
    static func body(_ report: SpendRoutes.Report) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(128 + report.groups.count * 80)
        buffer.writeString("{\"from\":\"\(report.from)\",\"group_by\":\"\(report.groupBy)\",\"groups\":[")
        for (index, group) in report.groups.enumerated() {
            if index > 0 { buffer.writeString(",") }
            buffer.writeString("{\"currency\":")
            buffer.writeString(JSONString.quoted(group.currency))
            buffer.writeString(",\"jobs\":\(group.jobs),\"key\":")
            buffer.writeString(JSONString.quoted(group.key))
            buffer.writeString(",\"spent\":\"\(group.spent)\"}")
        }
        buffer.writeString("],\"to\":\"\(report.to)\",\"totals\":[")
        for (index, total) in report.totals.enumerated() {
            if index > 0 { buffer.writeString(",") }
            buffer.writeString("{\"currency\":")
            buffer.writeString(JSONString.quoted(total.currency))
            buffer.writeString(",\"jobs\":\(total.jobs),\"spent\":\"\(total.spent)\"}")
        }
        buffer.writeString("],\"user_id\":")
        buffer.writeString(JSONString.quoted(report.userId))
        buffer.writeString("}")
        return buffer
    }
}
