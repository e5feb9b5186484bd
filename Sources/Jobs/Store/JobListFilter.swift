import Foundation
import Postgres

/// Which jobs a list shows and how many, and the one statement that answers it.
///
/// Order: newest first, by (created_at DESC, id DESC). Paging is keyset paging on that pair: the
/// next page is the jobs strictly before `after`. Jobs created after the first page was read
/// sort before it, so they never shift, repeat or hide rows on the pages that follow.
public struct JobListFilter: Sendable {
    public var userID: String?
    public var statuses: [String]?
    public var provider: String?
    public var family: String?
    /// Inclusive lower bound on created_at.
    public var from: PostgresTimestamp?
    /// Exclusive upper bound on created_at.
    public var to: PostgresTimestamp?
    /// The last job of the previous page.
    public var after: JobPosition?
    public var pageSize: Int

    public init(
        userID: String? = nil, statuses: [String]? = nil, provider: String? = nil, family: String? = nil,
        from: PostgresTimestamp? = nil, to: PostgresTimestamp? = nil, after: JobPosition? = nil, pageSize: Int
    ) {
        self.userID = userID
        self.statuses = statuses
        self.provider = provider
        self.family = family
        self.from = from
        self.to = to
        self.after = after
        self.pageSize = pageSize
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
        if let after {
            conditions.append("(created_at, id) < (\(bind(after.createdAt))::timestamptz, \(bind(after.id))::uuid)")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let limit = bind(pageSize + 1)
        return (
            "SELECT \(JobRecord.columns) FROM jobs \(filter) ORDER BY created_at DESC, id DESC LIMIT \(limit)",
            parameters
        )
    }
}

/// A job's place in the list order: its exact creation instant and its id.
public struct JobPosition: Sendable, Equatable {
    public let createdAt: PostgresTimestamp
    public let id: UUID

    public init(createdAt: PostgresTimestamp, id: UUID) {
        self.createdAt = createdAt
        self.id = id
    }
}

/// One page of jobs; `next` is where the following page starts, nil on the last page.
public struct JobPage: Sendable {
    public let jobs: [JobRecord]
    public let next: JobPosition?
}
