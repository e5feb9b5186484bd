import Hummingbird
import Prometheus

/// `GET /metrics`: Prometheus text format. Request counts and latencies come from
/// `HTTPMetricsMiddleware`; ledger and job gauges are read at scrape time by `DatabaseGauges`;
/// anything else recorded through swift-metrics with the same factory appears too.
struct MetricsRoutes: Sendable {
    let registry: PrometheusCollectorRegistry
    let gauges: DatabaseGauges

    func register(on router: Router<APIRequestContext>) {
        router.get("/metrics") { _, _ in
            await gauges.refresh()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
