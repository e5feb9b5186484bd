import Dispatch
import Hummingbird
import Metrics
import Synchronization

/// Counts requests and records their latency by route, method and status, through the
/// injected metrics factory. The route label is the matched route's pattern
/// (`/v1/users/{id}/spend`), never the raw path, so label cardinality stays bounded; requests
/// that matched no route (or were refused before routing) are labelled `unmatched`.
///
/// Metric handles are cached per label set, so the per-request cost is one lock and two
/// atomic-ish updates, not a registry lookup.
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    static let countLabel = "http_requests_total"
    static let durationLabel = "http_request_duration_seconds"

    final class Handles: Sendable {
        struct Key: Hashable {
            let route: String
            let method: String
            let status: Int
        }

        let factory: any MetricsFactory
        private let cache = Mutex<[Key: (Metrics.Counter, Metrics.Timer)]>([:])

        init(factory: any MetricsFactory) {
            self.factory = factory
        }

        func record(route: String, method: String, status: Int, nanoseconds: UInt64) {
            let key = Key(route: route, method: method, status: status)
            let handles = cache.withLock { cache in
                if let found = cache[key] { return found }
                let dimensions = [("route", route), ("method", method), ("status", String(status))]
                let made = (
                    Metrics.Counter(label: HTTPMetricsMiddleware.countLabel, dimensions: dimensions, factory: factory),
                    Metrics.Timer(label: HTTPMetricsMiddleware.durationLabel, dimensions: dimensions, factory: factory)
                )
                cache[key] = made
                return made
            }
            handles.0.increment()
            handles.1.recordNanoseconds(Int64(clamping: nanoseconds))
        }
    }

    let handles: Handles

    init(factory: any MetricsFactory) {
        self.handles = Handles(factory: factory)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = DispatchTime.now().uptimeNanoseconds
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            let route = Self.route(context)
            handles.record(
                route: route, method: method, status: response.status.code,
                nanoseconds: DispatchTime.now().uptimeNanoseconds &- start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            handles.record(
                route: Self.route(context), method: method, status: status,
                nanoseconds: DispatchTime.now().uptimeNanoseconds &- start)
            throw error
        }
    }

    static func route(_ context: Context) -> String {
        guard let path = context.endpointPath, path != "NotFound" else { return "unmatched" }
        return path
    }
}
