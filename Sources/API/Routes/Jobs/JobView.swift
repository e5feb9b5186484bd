import Foundation
import Money
import Postgres

/// A job as the API shows it, read straight from the `jobs` table. Money is a decimal string in
/// the job's currency; times are ISO 8601 UTC with microseconds; absent values are JSON null.
/// Shared by the job list and (at merge) `GET /v1/jobs/{id}`.
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

    /// Column list matching `init(row:)`; the statements that read jobs select exactly this.
    static let columns = """
        id, user_id, origin, provider, provider_model, family, provider_job_id, status, failure_reason, mode,
        duration_seconds, resolution, aspect_ratio, audio, variants, currency, quoted_micros, actual_micros,
        quote_error_micros, billed_seconds, hold_id, price_book_version, result_urls, created_at, submitted_at,
        queued_at, running_at, finished_at, updated_at, live_quote_micros, created_by, cancelled_by, stall_reason, stalled_at,
        (SELECT h.shortfall_micros FROM holds h WHERE h.id = jobs.hold_id AND h.state = 'captured') AS shortfall_micros
        """

    init(row: PostgresRow) throws {
        id = try row.decode(0, as: String.self)
        userId = try row.decode(1)
        origin = try row.decode(2)
        provider = try row.decode(3)
        model = try row.decode(4)
        family = try row.decodeIfPresent(5)
        providerJobId = try row.decodeIfPresent(6)
        status = try row.decode(7)
        failureReason = try row.decodeIfPresent(8)
        mode = try row.decode(9)
        durationSeconds = try row.decode(10)
        resolution = try row.decodeIfPresent(11)
        aspectRatio = try row.decodeIfPresent(12)
        audio = try row.decode(13)
        n = try row.decode(14)
        currency = try row.decode(15)
        quoted = DecimalAmount.string(fromMicros: try row.decode(16, as: Int64.self))
        actual = try row.decodeIfPresent(17, as: Int64.self).map(DecimalAmount.string(fromMicros:))
        quoteError = try row.decodeIfPresent(18, as: Int64.self).map(DecimalAmount.string(fromMicros:))
        billedSeconds = try row.decodeIfPresent(19)
        holdId = try row.decodeIfPresent(20)
        priceBookVersion = try row.decode(21)
        resultUrls = Self.urls(jsonArray: try row.decode(22, as: String.self))
        createdAt = try row.decode(23, as: PostgresTimestamp.self).postgresText
        submittedAt = try row.decodeIfPresent(24, as: PostgresTimestamp.self)?.postgresText
        queuedAt = try row.decodeIfPresent(25, as: PostgresTimestamp.self)?.postgresText
        runningAt = try row.decodeIfPresent(26, as: PostgresTimestamp.self)?.postgresText
        finishedAt = try row.decodeIfPresent(27, as: PostgresTimestamp.self)?.postgresText
        updatedAt = try row.decode(28, as: PostgresTimestamp.self).postgresText
        liveQuote = try row.decodeIfPresent(29, as: Int64.self).map(DecimalAmount.string(fromMicros:))
        createdBy = try row.decodeIfPresent(30)
        cancelledBy = try row.decodeIfPresent(31)
        stallReason = try row.decodeIfPresent(32)
        stalledAt = try row.decodeIfPresent(33, as: PostgresTimestamp.self)?.postgresText
        shortfall = try row.decodeIfPresent(34, as: Int64.self).map(DecimalAmount.string(fromMicros:))
    }

    /// The string elements of the `result_urls` jsonb array (anything else in it is skipped).
    static func urls(jsonArray text: String) -> [String] {
        guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else { return [] }
        return array.compactMap { $0 as? String }
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
        case priceBookVersion, resultUrls, createdAt, submittedAt, queuedAt, runningAt, finishedAt, updatedAt, createdBy, cancelledBy
        case stallReason, stalledAt, shortfall
    }
}
