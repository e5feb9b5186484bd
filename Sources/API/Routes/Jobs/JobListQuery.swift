import Foundation
import Jobs
import Postgres

/// The filters and page of `GET /v1/jobs`, checked and turned into the `JobListFilter` that
/// `JobStore.list` answers (newest first, keyset-paged: see there why paging is stable).
struct JobListQuery: Sendable {
    static let pageSizeDefault = 50
    static let pageSizeMax = 500
    static let statuses = JobStatus.allCases.map(\.rawValue)
    static let identifierPattern = "[A-Za-z0-9][A-Za-z0-9_.@:-]{0,127}"
    static let providerPattern = "[a-z0-9-]{1,64}"
    static let familyPattern = "[A-Za-z0-9][A-Za-z0-9_.:+-]{0,127}"

    var filter: JobListFilter

    init(query: QueryReader) throws {
        filter = JobListFilter(pageSize: Self.pageSizeDefault)
        filter.userID = try query.string(
            "user_id", matching: Self.identifierPattern, described: "a user id (1-128 of A-Z a-z 0-9 _ . @ : -)")
        filter.statuses = try query.choices("status", from: Self.statuses)
        filter.provider = try query.choice("provider", from: InputRules.providers)
        filter.family = try query.string(
            "family", matching: Self.familyPattern, described: "a model family such as veo-3.1-fast")
        filter.from = try query.instant("from")
        filter.to = try query.instant("to")
        if let from = filter.from, let to = filter.to, to <= from {
            throw QueryReader.unacceptable("to", "must be after from")
        }
        if let text = try query.string(
            "cursor", matching: "[A-Za-z0-9_-]{1,128}", described: "a cursor this API returned")
        {
            // Well-formed but not a cursor this API wrote (or forged with an instant no job can
            // have): refused before any SQL, as a 422.
            guard let cursor = JobCursor(encoded: text) else {
                throw QueryReader.unacceptable(
                    "cursor", "is not a cursor this API returned (pass next_cursor back unchanged)")
            }
            filter.after = cursor.position
        }
        filter.pageSize = try query.integer("limit", in: 1...Self.pageSizeMax) ?? Self.pageSizeDefault
    }
}
