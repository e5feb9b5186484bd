import Postgres

/// What `/metrics` shows of jobs: those in flight or held, by status, and each provider's jobs
/// of the last hour, by status.
public struct JobActivity: Sendable {
    public var activeByStatus: [JobStatus: Int64] = [:]
    /// Keyed by provider name as stored, then status.
    public var lastHour: [String: [JobStatus: Int64]] = [:]

    /// The statuses `activeByStatus` counts: not terminal.
    public static let activeStatuses = JobStatus.allCases.filter { !$0.isTerminal }
}

extension JobStore {
    /// Two bounded statements: a partial index for active jobs, one hour of `jobs_by_time`.
    public func activity() async throws -> JobActivity {
        do {
            return try await pool.withSession { session in
                var activity = JobActivity()
                let active = JobActivity.activeStatuses.map(\.rawValue)
                for row in try session.query(
                    "SELECT status, count(*) FROM jobs WHERE status = ANY($1::text[]) GROUP BY 1", [active])
                {
                    guard let status = JobStatus(rawValue: try row.decode(0)) else { continue }
                    activity.activeByStatus[status] = try row.decode(1, as: Int64.self)
                }
                for row in try session.query(
                    "SELECT provider, status, count(*) FROM jobs WHERE created_at >= now() - interval '1 hour' GROUP BY 1, 2"
                ) {
                    guard let status = JobStatus(rawValue: try row.decode(1)) else { continue }
                    activity.lastHour[try row.decode(0), default: [:]][status] = try row.decode(2, as: Int64.self)
                }
                return activity
            }
        } catch {
            throw JobError.wrap(error)
        }
    }
}
