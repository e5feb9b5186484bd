import Foundation
import Hummingbird
import Jobs

/// `GET /v1/jobs`: jobs newest first, filtered by user, status, provider, family and creation
/// time, in keyset-paged pages (see `JobListQuery` for the order and why paging is stable).
struct JobListRoutes: Sendable {
    let reads: DashboardReads

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
            let (page, source) = try await reads.run { pool in try await Self.page(query, store: JobStore(pool: pool)) }
            return DashboardReads.labelled(try JSONResponse.make(page), source)
        }
    }

    static func page(_ query: JobListQuery, store: JobStore) async throws -> Page {
        let page = try await store.list(query.filter)
        return Page(
            jobs: page.jobs.map(JobView.init), nextCursor: page.next.map { JobCursor($0).encoded },
            limit: query.filter.pageSize)
    }
}
