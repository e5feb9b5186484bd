import Hummingbird
import Postgres

/// The dashboard read routes (`GET /v1/users/{id}/spend`, `GET /v1/jobs`, `GET /v1/providers`,
/// `GET /v1/reconciliations/{id}`) read through the `PostgresReadRouter`, so they may be
/// answered by a streaming replica within the configured lag bound. Nothing else does: writes,
/// idempotent replays, quotes, submits, resolves and a job's detail (`GET /v1/jobs/{id}`, read
/// right after its submit) stay on the primary.
///
/// Each answer names the kind of server that produced it in `VideoLedger-Read-Source`
/// (`primary` or `replica`), documented in `openapi.yaml`, so operators and tests can see where
/// dashboards are served from.
struct DashboardReads: Sendable {
    static let sourceHeader = "VideoLedger-Read-Source"

    let router: PostgresReadRouter

    /// Runs `work` (read-only) on the replica or the primary. A "not found" from the replica
    /// is asked again of the primary: the row may be younger than the replica's lag (a user or
    /// a reconciliation created a moment ago), and a dashboard must not deny what exists.
    func run<T: Sendable>(_ work: @Sendable (PostgresPool) async throws -> T) async throws -> (
        value: T, source: ReadSource
    ) {
        try await router.read(retryOnPrimary: { ErrorMapping.apiError(for: $0).status == .notFound }, work)
    }

    /// `response` with the source header set.
    static func labelled(_ response: Response, _ source: ReadSource) -> Response {
        var response = response
        response.headers[.init(sourceHeader)!] = source.rawValue
        return response
    }
}
