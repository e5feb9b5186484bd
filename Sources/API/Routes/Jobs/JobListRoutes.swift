import Foundation
import Hummingbird
import Postgres

/// `GET /v1/jobs`: jobs newest first, filtered by user, status, provider, family and creation
/// time, in keyset-paged pages (see `JobListQuery` for the order and why paging is stable).
struct JobListRoutes: Sendable {
    let pool: PostgresPool

    struct Page: Encodable {
        let jobs: [JobView]
        /// Pass back as `cursor` for the next page; null on the last page.
        let nextCursor: String?
        let limit: Int

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(jobs, forKey: .jobs)
            try container.encode(nextCursor, forKey: .nextCursor)
            try container.encode(limit, forKey: .limit)
        }

        enum CodingKeys: String, CodingKey { case jobs, nextCursor, limit }
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/jobs") { request, _ in
            let query = try JobListQuery(query: QueryReader(request))
            return try JSONResponse.make(try await page(query))
        }
    }

    func page(_ query: JobListQuery) async throws -> Page {
        let (sql, parameters) = query.statement()
        let pageSize = query.pageSize
        let (jobs, last) = try await pool.withSession { session -> ([JobView], JobCursor?) in
            let rows = try session.query(sql, parameters)
            let jobs = try rows.prefix(pageSize).map(JobView.init(row:))
            guard rows.count > pageSize, let lastRow = rows.prefix(pageSize).last else { return (jobs, nil) }
            return (jobs, JobCursor(createdAt: try lastRow.decode(23), id: try lastRow.decode(0)))
        }
        return Page(jobs: jobs, nextCursor: last?.encoded, limit: pageSize)
    }
}
