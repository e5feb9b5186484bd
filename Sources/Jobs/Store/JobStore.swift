import Foundation
import Postgres
import ProviderRegistry

/// The read side of the `jobs` table (and of `provider_balance_snapshots`, which Jobs writes):
/// what other modules, the API first, read about jobs. Each read is one session; rows are
/// decoded by `JobRecord(row:)` alone. Errors keep their type (`JobError.wrap`), so an
/// unreachable database is told apart from a bug.
public struct JobStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The job with its hold's transfers and its held resolution (when `withTransfers`); nil
    /// for an unknown id.
    public func job(id: UUID, withTransfers: Bool = true) async throws -> JobRecord? {
        do {
            return try await pool.withSession { session in
                try JobRows.load(session, id: id, withTransfers: withTransfers)
            }
        } catch {
            throw JobError.wrap(error)
        }
    }

    /// One page of jobs, newest first (see `JobListFilter`).
    public func list(_ filter: JobListFilter) async throws -> JobPage {
        let (sql, parameters) = filter.statement()
        let pageSize = filter.pageSize
        do {
            return try await pool.withSession { session in
                // Not prepared, on purpose: planned with the request's values, a filter on rare
                // statuses is proved to fit the partial index `jobs_by_status_uncommon`
                // (migration 0018); a generic plan of a prepared statement cannot prove that.
                let rows = try session.query(sql, parameters)
                let page = rows.prefix(pageSize)
                let jobs = try page.map(JobRecord.init(row:))
                guard rows.count > pageSize, let last = page.last else { return JobPage(jobs: jobs, next: nil) }
                // The boundary is read as the exact microsecond the row holds, not through `Date`.
                return JobPage(
                    jobs: jobs, next: JobPosition(createdAt: try last.decode("created_at"), id: try last.decode("id")))
            }
        } catch {
            throw JobError.wrap(error)
        }
    }
}
