import Basics
import Foundation
import Postgres

extension JobRecord {
    /// The `jobs` columns a record is read from, for `SELECT \(JobRecord.columns) FROM jobs`:
    /// the one place a jobs row is decoded.
    static let columns = """
        id, user_id, idempotency_key, origin, provider, provider_model, quality, family, provider_job_id, mode,
        duration_seconds, resolution, aspect_ratio, audio, variants, prompt, image_url, quote_id, price_book_version, priced_on::text AS priced_on,
        currency, quoted_micros, quoted_billed_seconds, live_quote_micros, hold_id, payment_source, provider_precharge_micros,
        provider_precharge_currency, provider_cost_micros, provider_cost_currency, provider_balance_micros,
        provider_balance_currency, billed_seconds, computed_micros, actual_micros, quote_error_micros, status, failure_code,
        failure_reason, refunded, result_urls, provider_download_url, created_at, dispatched_at, submitted_at, queued_at, running_at, unknown_at,
        stalled_at, stall_reason, finished_at, updated_at, next_poll_at, poll_attempts, poll_errors_consecutive, poll_errors_since, last_error,
        created_by, cancelled_by,
        (SELECT h.shortfall_micros FROM holds h WHERE h.id = jobs.hold_id AND h.state = 'captured') AS shortfall_micros
        """

    /// Reads a row selected with `columns`; transfers are added by the caller.
    init(row: PostgresRow) throws {
        let statusText: String = try row.decode("status")
        guard let status = JobStatus(rawValue: statusText) else {
            throw PostgresError.decoding(column: "status", reason: "unknown job status '\(statusText)'")
        }
        let urls = Self.resultURLs(jsonArray: try row.decode("result_urls"))
        id = try row.decode("id")
        userID = try row.decode("user_id")
        idempotencyKey = try row.decodeIfPresent("idempotency_key")
        origin = try row.decode("origin")
        provider = try row.decode("provider")
        providerModel = try row.decode("provider_model")
        quality = try row.decodeIfPresent("quality")
        family = try row.decodeIfPresent("family")
        providerJobID = try row.decodeIfPresent("provider_job_id")
        mode = try row.decode("mode")
        durationSeconds = try row.decode("duration_seconds")
        resolution = try row.decodeIfPresent("resolution")
        aspectRatio = try row.decodeIfPresent("aspect_ratio")
        audio = try row.decode("audio")
        variants = try row.decode("variants")
        prompt = try row.decodeIfPresent("prompt")
        imageURL = try row.decodeIfPresent("image_url")
        quoteID = try row.decodeIfPresent("quote_id")
        priceBookVersion = try row.decode("price_book_version")
        pricedOn = try row.decodeIfPresent("priced_on")
        currency = try row.decode("currency")
        quotedMicros = try row.decode("quoted_micros")
        quotedBilledSeconds = try row.decodeIfPresent("quoted_billed_seconds")
        liveQuoteMicros = try row.decodeIfPresent("live_quote_micros")
        holdID = try row.decodeIfPresent("hold_id")
        paymentSource = try row.decodeIfPresent("payment_source")
        providerPrechargeMicros = try row.decodeIfPresent("provider_precharge_micros")
        providerPrechargeCurrency = try row.decodeIfPresent("provider_precharge_currency")
        providerCostMicros = try row.decodeIfPresent("provider_cost_micros")
        providerCostCurrency = try row.decodeIfPresent("provider_cost_currency")
        providerBalanceMicros = try row.decodeIfPresent("provider_balance_micros")
        providerBalanceCurrency = try row.decodeIfPresent("provider_balance_currency")
        billedSeconds = try row.decodeIfPresent("billed_seconds")
        computedMicros = try row.decodeIfPresent("computed_micros")
        actualMicros = try row.decodeIfPresent("actual_micros")
        quoteErrorMicros = try row.decodeIfPresent("quote_error_micros")
        self.status = status
        failureCode = try row.decodeIfPresent("failure_code")
        failureReason = try row.decodeIfPresent("failure_reason")
        refunded = try row.decode("refunded")
        resultURLs = urls
        providerDownloadURL = try row.decodeIfPresent("provider_download_url")
        createdAt = try row.decode("created_at")
        dispatchedAt = try row.decodeIfPresent("dispatched_at")
        submittedAt = try row.decodeIfPresent("submitted_at")
        queuedAt = try row.decodeIfPresent("queued_at")
        runningAt = try row.decodeIfPresent("running_at")
        unknownAt = try row.decodeIfPresent("unknown_at")
        stalledAt = try row.decodeIfPresent("stalled_at")
        stallReason = try row.decodeIfPresent("stall_reason")
        finishedAt = try row.decodeIfPresent("finished_at")
        updatedAt = try row.decode("updated_at")
        nextPollAt = try row.decodeIfPresent("next_poll_at")
        pollAttempts = try row.decode("poll_attempts")
        pollErrorsConsecutive = try row.decode("poll_errors_consecutive")
        pollErrorsSince = try row.decodeIfPresent("poll_errors_since")
        lastError = try row.decodeIfPresent("last_error")
        shortfallMicros = try row.decodeIfPresent("shortfall_micros")
        createdBy = try row.decodeIfPresent("created_by")
        cancelledBy = try row.decodeIfPresent("cancelled_by")
        heldResolution = nil
        transfers = []
    }

    /// The string elements of a `result_urls` jsonb array; anything else in it is skipped.
    static func resultURLs(jsonArray text: String) -> [String] {
        guard case .array(let elements)? = try? JSONParser.parse(text) else { return [] }
        return elements.compactMap(\.stringValue)
    }

    /// `urls` as the jsonb text `result_urls` stores.
    static func resultURLsJSON(_ urls: [String]) -> String {
        JSONWriter.string(.array(urls.map(JSONValue.string)))
    }
}
