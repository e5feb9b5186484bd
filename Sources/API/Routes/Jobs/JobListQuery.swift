import Foundation
import Postgres

/// The filters and page of `GET /v1/jobs`, checked, and the one statement that answers them.
///
/// Order: newest first, by (created_at DESC, id DESC). Paging is keyset paging on that pair: the
/// next page is the jobs strictly before the cursor's (created_at, id). Jobs created after the
/// first page was read sort before the cursor, so they never shift, repeat or hide rows on the
/// pages that follow; the caller sees them by starting again without a cursor.
struct JobListQuery: Sendable {
    static let pageSizeDefault = 50
    static let pageSizeMax = 500
    static let statuses = ["submitting", "queued", "running", "completed", "failed", "cancelled", "expired", "unknown", "stalled"]
    static let identifierPattern = "[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}"
    static let providerPattern = "[a-z0-9-]{1,64}"
    static let familyPattern = "[A-Za-z0-9][A-Za-z0-9_.:+-]{0,127}"

    var userID: String?
    var statuses: [String]?
    var provider: String?
    var family: String?
    /// Inclusive lower bound on created_at.
    var from: PostgresTimestamp?
    /// Exclusive upper bound on created_at.
    var to: PostgresTimestamp?
    var cursor: JobCursor?
    var pageSize = pageSizeDefault

    init(query: QueryReader) throws {
        userID = try query.string("user_id", matching: Self.identifierPattern, described: "a user id (1-128 of A-Z a-z 0-9 _ . @ : -)")
        statuses = try query.choices("status", from: Self.statuses)
        provider = try query.choice("provider", from: InputRules.providers)
        family = try query.string("family", matching: Self.familyPattern, described: "a model family such as veo-3.1-fast")
        from = try query.instant("from")
        to = try query.instant("to")
        if let from, let to, to <= from { throw QueryReader.unacceptable("to", "must be after from") }
        if let text = try query.string("cursor", matching: "[A-Za-z0-9_-]{1,128}", described: "a cursor this API returned") {
            // Well-formed but not a cursor this API wrote (or forged with an instant no job can
            // have): refused before any SQL, as a 422.
            guard let cursor = JobCursor(encoded: text) else {
                throw QueryReader.unacceptable("cursor", "is not a cursor this API returned (pass next_cursor back unchanged)")
            }
            self.cursor = cursor
        }
        pageSize = try query.integer("limit", in: 1...Self.pageSizeMax) ?? Self.pageSizeDefault
    }

    /// Rows of one page plus one more, which tells whether another page follows. The WHERE
    /// clause is assembled from fixed fragments; every value is a bound parameter.
    func statement() -> (sql: String, parameters: [(any PostgresEncodable)?]) {
        var conditions: [String] = []
        var parameters: [(any PostgresEncodable)?] = []
        func bind(_ value: any PostgresEncodable) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        if let userID { conditions.append("user_id = \(bind(userID))") }
        if let statuses { conditions.append("status = ANY(\(bind(statuses))::text[])") }
        if let provider { conditions.append("provider = \(bind(provider))") }
        if let family { conditions.append("family = \(bind(family))") }
        if let from { conditions.append("created_at >= \(bind(from))::timestamptz") }
        if let to { conditions.append("created_at < \(bind(to))::timestamptz") }
        if let cursor {
            conditions.append("(created_at, id) < (\(bind(cursor.createdAt))::timestamptz, \(bind(cursor.id))::uuid)")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(JobView.columns) FROM jobs \(filter) ORDER BY created_at DESC, id DESC LIMIT \(bind(pageSize + 1))"
        return (sql, parameters)
    }
}
