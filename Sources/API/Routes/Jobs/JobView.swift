import Foundation
import Jobs
import Money
import Postgres

/// A job as the API shows it, from the `JobRecord` that `JobStore` read. Money is a decimal
/// string in the job's currency; times are ISO 8601 UTC with microseconds; absent values are
/// JSON null. Shared by the job list and `GET /v1/jobs/{id}`.
struct JobView: Encodable, Sendable {
    let id: String
    let userId: String
    let origin: String
    let provider: String
    let model: String
    let family: String?
    let providerJobId: String?
    let status: String
    let failureReason: String?
    let mode: String
    let durationSeconds: Int
    let resolution: String?
    let aspectRatio: String?
    let audio: Bool
    let n: Int
    let currency: String
    let quoted: String
    let actual: String?
    let quoteError: String?
    /// The provider's own price at submit (live quotes on), beside the catalog's `quoted`.
    let liveQuote: String?
    let billedSeconds: Int?
    let holdId: Int64?
    let priceBookVersion: String
    let resultUrls: [String]
    let createdAt: String
    let submittedAt: String?
    let queuedAt: String?
    let runningAt: String?
    let finishedAt: String?
    let updatedAt: String
    /// The API token that submitted or recorded the job; null when written otherwise.
    let createdBy: String?
    /// The API token that cancelled the job; null unless cancelled over the API.
    let cancelledBy: String?
    /// Why a stalled job is held (`provider_silent`, `max_age`, `implausible_cost`, ...).
    let stallReason: String?
    /// When the job last stalled; kept once it ends, for the record.
    let stalledAt: String?
    /// What available plus credit could not cover at capture: owed by the user, flagged.
    let shortfall: String?

    /// The job as the API shows it; times are the record's instants to the microsecond.
    init(_ job: JobRecord) {
        func money(_ micros: Int64?) -> String? { micros.map(DecimalAmount.string(fromMicros:)) }
        func instant(_ date: Date?) -> String? { date.map { PostgresTimestamp($0).postgresText } }
        id = job.id.uuidString.lowercased()
        userId = job.userID
        origin = job.origin
        provider = job.provider
        model = job.providerModel
        family = job.family
        providerJobId = job.providerJobID
        status = job.status.rawValue
        failureReason = job.failureReason
        mode = job.mode
        durationSeconds = job.durationSeconds
        resolution = job.resolution
        aspectRatio = job.aspectRatio
        audio = job.audio
        n = job.variants
        currency = job.currency
        quoted = DecimalAmount.string(fromMicros: job.quotedMicros)
        actual = money(job.actualMicros)
        quoteError = money(job.quoteErrorMicros)
        liveQuote = money(job.liveQuoteMicros)
        billedSeconds = job.billedSeconds
        holdId = job.holdID
        priceBookVersion = job.priceBookVersion
        resultUrls = job.resultURLs
        createdAt = PostgresTimestamp(job.createdAt).postgresText
        submittedAt = instant(job.submittedAt)
        queuedAt = instant(job.queuedAt)
        runningAt = instant(job.runningAt)
        finishedAt = instant(job.finishedAt)
        updatedAt = PostgresTimestamp(job.updatedAt).postgresText
        createdBy = job.createdBy
        cancelledBy = job.cancelledBy
        stallReason = job.stallReason
        stalledAt = instant(job.stalledAt)
        shortfall = money(job.shortfallMicros)
    }

    /// Encodes absent values as explicit nulls, so every job has every key (the schema says so).
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(userId, forKey: .userId)
        try c.encode(origin, forKey: .origin)
        try c.encode(provider, forKey: .provider)
        try c.encode(model, forKey: .model)
        try c.encode(family, forKey: .family)
        try c.encode(providerJobId, forKey: .providerJobId)
        try c.encode(status, forKey: .status)
        try c.encode(failureReason, forKey: .failureReason)
        try c.encode(mode, forKey: .mode)
        try c.encode(durationSeconds, forKey: .durationSeconds)
        try c.encode(resolution, forKey: .resolution)
        try c.encode(aspectRatio, forKey: .aspectRatio)
        try c.encode(audio, forKey: .audio)
        try c.encode(n, forKey: .n)
        try c.encode(currency, forKey: .currency)
        try c.encode(quoted, forKey: .quoted)
        try c.encode(actual, forKey: .actual)
        try c.encode(quoteError, forKey: .quoteError)
        try c.encode(liveQuote, forKey: .liveQuote)
        try c.encode(billedSeconds, forKey: .billedSeconds)
        try c.encode(holdId, forKey: .holdId)
        try c.encode(priceBookVersion, forKey: .priceBookVersion)
        try c.encode(resultUrls, forKey: .resultUrls)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(submittedAt, forKey: .submittedAt)
        try c.encode(queuedAt, forKey: .queuedAt)
        try c.encode(runningAt, forKey: .runningAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(cancelledBy, forKey: .cancelledBy)
        try c.encode(stallReason, forKey: .stallReason)
        try c.encode(stalledAt, forKey: .stalledAt)
        try c.encode(shortfall, forKey: .shortfall)
    }

    enum CodingKeys: String, CodingKey {
        case id, userId, origin, provider, model, family, providerJobId, status, failureReason, mode, durationSeconds
        case resolution, aspectRatio, audio, n, currency, quoted, actual, quoteError, liveQuote, billedSeconds, holdId
        case priceBookVersion, resultUrls, createdAt, submittedAt, queuedAt, runningAt, finishedAt, updatedAt,
            createdBy, cancelledBy
        case stallReason, stalledAt, shortfall
    }
}
