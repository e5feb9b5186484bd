import Metrics
import Prometheus

/// Where the service's metrics go: one Prometheus registry and the swift-metrics factory that
/// writes into it.
///
/// The API is handed this (it never reads `MetricsSystem`), so tests build as many servers as
/// they like, each with its own registry. `videoledger serve` makes one and also bootstraps
/// `MetricsSystem` with its factory, so metrics recorded elsewhere through the global
/// swift-metrics API (jobs, poller, provider calls) land in the same `/metrics` output.
public struct APIMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    /// Request latency buckets: the quote path answers in well under a millisecond, the SQL
    /// routes in a few, so the buckets start at 100 µs.
    static let requestDurationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2_500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .microseconds(2_500_000), .seconds(5), .seconds(10),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[HTTPMetricsMiddleware.durationLabel] = Self.requestDurationBuckets
        self.factory = factory
    }
}
