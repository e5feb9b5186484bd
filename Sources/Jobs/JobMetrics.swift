import Basics
import Metrics
import Providers

/// The job lifecycle's metrics, through swift-metrics (the service bootstraps the factory; the
/// lead exposes it on /metrics). Labels are fixed strings; dimensions are provider names, job
/// states and error kinds, all from small closed sets.
package enum JobMetrics {
    /// Every job state change: `videoledger_job_transitions_total{status}`.
    package static func transition(to status: JobStatus) {
        Counter(label: "videoledger_job_transitions_total", dimensions: [("status", status.rawValue)]).increment()
    }

    /// Jobs by state now: `videoledger_jobs{status}`, refreshed by the poller.
    static func jobsByState(_ counts: [JobStatus: Int]) {
        for status in JobStatus.allCases {
            Gauge(label: "videoledger_jobs", dimensions: [("status", status.rawValue)]).record(counts[status] ?? 0)
        }
    }

    /// One poll's result: `videoledger_polls_total{provider,outcome}`.
    static func poll(provider: String, outcome: String) {
        Counter(label: "videoledger_polls_total", dimensions: [("provider", provider), ("outcome", outcome)])
            .increment()
    }

    /// A provider call's latency: `videoledger_provider_call_seconds{provider,operation}`.
    static func providerCall(provider: String, operation: String, since start: ContinuousClock.Instant) {
        let nanoseconds = (ContinuousClock.now - start).wholeNanoseconds
        Timer(
            label: "videoledger_provider_call_seconds", dimensions: [("provider", provider), ("operation", operation)]
        )
        .recordNanoseconds(nanoseconds)
    }

    /// A provider call that failed: `videoledger_provider_errors_total{provider,operation,kind}`.
    static func providerError(provider: String, operation: String, error: ProviderError) {
        Counter(
            label: "videoledger_provider_errors_total",
            dimensions: [("provider", provider), ("operation", operation), ("kind", error.kind)]
        ).increment()
    }
}

extension ProviderError {
    /// The case name: a small closed set, safe as a metric dimension and in `last_error`.
    var kind: String {
        switch self {
        case .authentication: return "authentication"
        case .paymentRequired: return "payment_required"
        case .rateLimited: return "rate_limited"
        case .contentPolicy: return "content_policy"
        case .notFound: return "not_found"
        case .expired: return "expired"
        case .rejected: return "rejected"
        case .unavailable: return "unavailable"
        case .malformedResponse: return "malformed_response"
        case .unsupported: return "unsupported"
        case .missingCredential: return "missing_credential"
        case .transport: return "transport"
        }
    }
}
