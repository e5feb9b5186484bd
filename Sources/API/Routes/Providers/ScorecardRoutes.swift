import Foundation
import Hummingbird
import Jobs
import Money
import Pricing

/// `GET /v1/providers/scorecards?window=`: how each provider's model families did over the
/// rolling 24 h, 7 d and 30 d windows, and the expected-cost estimates `rank=expected` ranks
/// with. Precomputed by the scorecard refresh in `serve`: no SQL on the request.
struct ScorecardRoutes: Sendable {
    let board: ScorecardBoard

    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/providers/scorecards") { request, _ in
            let window = request.uri.queryParameters["window"].map(String.init)
            if let window, !Scorecard.windows.contains(window) {
                throw APIError.badRequest(
                    "invalid_window", "window must be one of " + Scorecard.windows.joined(separator: ", "))
            }
            return try JSONResponse.make(ScorecardDocument(board.scorecard, window: window))
        }
    }
}

/// The scorecards as JSON: rates as numbers (probabilities), money as six-decimal USD strings.
struct ScorecardDocument: Encodable, Sendable {
    let asOf: String?
    let generation: UInt64
    let windows: [String]
    let rankingWindow: String
    let prior: Prior
    let scorecards: [Row]
    let expected: [Expected]

    struct Prior: Encodable, Sendable {
        let jobs: Int
        let defaultSuccessRate: Double
        let intervalZ: Double
    }

    struct Money: Encodable, Sendable {
        let jobs: Int
        let total: String
        let p50: String?
        let p95: String?
    }

    struct Row: Encodable, Sendable {
        let window: String
        let provider: String
        let family: String
        let jobs: Int
        let completed: Int
        let failed: Int
        let contentPolicy: Int
        let cancelled: Int
        let expired: Int
        let stalled: Int
        let unknown: Int
        let inFlight: Int
        let refunded: Int
        let completionRate: Double?
        let failureRate: Double?
        let contentPolicyRate: Double?
        let refundRate: Double?
        let p50Ms: Int64?
        let p95Ms: Int64?
        let quoteError: Money
        let liveQuoteDrift: Money

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(window, forKey: .window)
            try container.encode(provider, forKey: .provider)
            try container.encode(family, forKey: .family)
            try container.encode(jobs, forKey: .jobs)
            try container.encode(completed, forKey: .completed)
            try container.encode(failed, forKey: .failed)
            try container.encode(contentPolicy, forKey: .contentPolicy)
            try container.encode(cancelled, forKey: .cancelled)
            try container.encode(expired, forKey: .expired)
            try container.encode(stalled, forKey: .stalled)
            try container.encode(unknown, forKey: .unknown)
            try container.encode(inFlight, forKey: .inFlight)
            try container.encode(refunded, forKey: .refunded)
            // Explicit nulls: a rate without jobs to rest on is null, not absent.
            try container.encode(completionRate, forKey: .completionRate)
            try container.encode(failureRate, forKey: .failureRate)
            try container.encode(contentPolicyRate, forKey: .contentPolicyRate)
            try container.encode(refundRate, forKey: .refundRate)
            try container.encode(p50Ms, forKey: .p50Ms)
            try container.encode(p95Ms, forKey: .p95Ms)
            try container.encode(quoteError, forKey: .quoteError)
            try container.encode(liveQuoteDrift, forKey: .liveQuoteDrift)
        }

        enum CodingKeys: String, CodingKey {
            case window, provider, family, jobs, completed, failed, contentPolicy, cancelled, expired, stalled, unknown,
                inFlight
            case refunded, completionRate, failureRate, contentPolicyRate, refundRate, p50Ms, p95Ms, quoteError,
                liveQuoteDrift
        }
    }

    struct Expected: Encodable, Sendable {
        let provider: String
        let family: String
        let estimate: ReliabilityEstimate

        func encode(to encoder: any Encoder) throws {
            try estimate.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(provider, forKey: .provider)
            try container.encode(family, forKey: .family)
        }

        enum CodingKeys: String, CodingKey { case provider, family }
    }

    init(_ scorecard: Scorecard, window: String?) {
        asOf = scorecard.generation == 0 ? nil : scorecard.asOf.formatted(.iso8601)
        generation = scorecard.generation
        windows = Scorecard.windows
        rankingWindow = Scorecard.rankingWindow
        let settings = scorecard.book.settings
        prior = Prior(
            jobs: settings.priorJobs, defaultSuccessRate: Self.rate(settings.defaultSuccessPPB), intervalZ: settings.z)
        scorecards = scorecard.rows.filter { window == nil || $0.window == window }.map { row in
            Row(
                window: row.window, provider: row.provider.rawValue, family: row.family, jobs: row.jobs,
                completed: row.completed,
                failed: row.failed, contentPolicy: row.contentPolicy, cancelled: row.cancelled, expired: row.expired,
                stalled: row.stalled, unknown: row.unknown, inFlight: row.inFlight, refunded: row.refunded,
                completionRate: row.completionRatePPB.map(Self.rate), failureRate: row.failureRatePPB.map(Self.rate),
                contentPolicyRate: row.contentPolicyRatePPB.map(Self.rate),
                refundRate: row.refundRatePPB.map(Self.rate),
                p50Ms: row.p50Milliseconds, p95Ms: row.p95Milliseconds,
                quoteError: Money(
                    jobs: row.costed, total: DecimalAmount.string(fromMicros: row.quoteErrorTotalMicros),
                    p50: row.quoteErrorP50Micros.map(DecimalAmount.string(fromMicros:)),
                    p95: row.quoteErrorP95Micros.map(DecimalAmount.string(fromMicros:))),
                liveQuoteDrift: Money(
                    jobs: row.liveQuoted, total: DecimalAmount.string(fromMicros: row.liveDriftTotalMicros),
                    p50: row.liveDriftP50Micros.map(DecimalAmount.string(fromMicros:)),
                    p95: row.liveDriftP95Micros.map(DecimalAmount.string(fromMicros:))))
        }
        expected = scorecard.book.estimates.map {
            Expected(provider: $0.key.provider.rawValue, family: $0.key.family, estimate: $0)
        }
    }

    static func rate(_ ppb: Int64) -> Double { Double(ppb) / Double(Reliability.scale) }
}
