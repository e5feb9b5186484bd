import Foundation
import Ledger
import Logging
import Money
import Postgres
import Pricing
import Providers

/// Ends jobs: captures the actual cost of a completed job, releases the hold of a failed,
/// cancelled or expired one. Every method runs inside the caller's transaction, on a job row the
/// caller locked (`FOR UPDATE`), so the ledger change and the job's state change commit together
/// or not at all. Exactly once: the state change is conditional on a non-terminal status, and
/// the ledger operations carry keys derived from the job id (`job:<id>:capture`).
struct Settlement: Sendable {
    let catalog: PriceCatalog
    let logger: Logger

    /// What the provider says the job cost when it reports no cost itself but a measurement is
    /// possible (AIGate's `token.used` before and after a call).
    struct Measurement {
        let cost: Money
        let source: String
    }

    /// Settles a job the provider reports completed. Returns false when the job had already
    /// ended (someone else settled or cancelled it): nothing is written then.
    func complete(_ session: PostgresSession, job: JobRecord, status: ProviderStatus, measured: Measurement? = nil) throws -> Bool {
        precondition(status.state == .completed, "complete() needs a completed status")
        guard !job.status.isTerminal else { return false }
        let billed = status.billedSeconds.flatMap { $0 > 0 ? $0 : nil } ?? job.durationSeconds
        let computed = computedCost(job, billedSeconds: billed)
        let reported = status.reportedCost
        // A reported final cost wins when it is in the job's currency; in another currency (a
        // NanoGPT job paid in XNO) it is kept for reconciliation and the price book decides.
        let actual = reported.flatMap { $0.currency.rawValue == job.currency ? $0.micros : nil } ?? computed
        precondition(actual >= 0 && computed >= 0, "costs are never negative")
        if let holdID = job.holdID {
            _ = try LedgerStatements.capture(session, key: JobStore.captureKey(job.id), holdID: holdID, actualMicros: actual)
        }
        let providerCost = reported ?? measured?.cost
        let urls = status.resultURLs.isEmpty ? nil : String(decoding: try JSONEncoder().encode(status.resultURLs), as: UTF8.self)
        let updated = try session.execute(
            """
            UPDATE jobs SET status = 'completed', billed_seconds = $2, computed_micros = $3, actual_micros = $4,
                   quote_error_micros = $4 - quoted_micros, provider_cost_micros = $5, provider_cost_currency = $6,
                   result_urls = coalesce($7::jsonb, result_urls), running_at = coalesce(running_at, now()),
                   finished_at = now(), updated_at = now(), next_poll_at = NULL, lease_owner = NULL, lease_expires_at = NULL,
                   last_error = NULL
            WHERE id = $1 AND status NOT IN \(JobStatus.terminalSQL)
            """,
            [job.id, billed, computed, actual, providerCost?.micros, providerCost?.currency.rawValue, urls])
        precondition(updated == 1, "job \(job.id) was locked and not terminal, yet not updated")
        try recordCompletionCharge(session, job: job, providerFinal: providerCost, computed: computed, measured: measured != nil && reported == nil)
        if let balance = status.balance {
            try ProviderChargeStatements.snapshot(session, provider: job.provider, balance: balance, source: "status", jobID: job.id)
        }
        return true
    }

    /// Ends a job without a charge: releases the whole hold. Returns false when it had ended.
    func end(
        _ session: PostgresSession, job: JobRecord, as final: JobStatus, code: String, reason: String?, refunded: Bool
    ) throws -> Bool {
        precondition(final.isTerminal && final != .completed, "end() is for failed, cancelled and expired jobs")
        guard !job.status.isTerminal else { return false }
        if let holdID = job.holdID {
            _ = try LedgerStatements.release(session, key: JobStore.releaseKey(job.id), holdID: holdID)
        }
        let updated = try session.execute(
            """
            UPDATE jobs SET status = $2, failure_code = $3, failure_reason = $4, refunded = $5, finished_at = now(),
                   updated_at = now(), next_poll_at = NULL, lease_owner = NULL, lease_expires_at = NULL
            WHERE id = $1 AND status NOT IN \(JobStatus.terminalSQL)
            """, [job.id, final.rawValue, code, reason.map { String($0.prefix(500)) }, refunded])
        precondition(updated == 1, "job \(job.id) was locked and not terminal, yet not updated")
        if refunded, let precharge = try ProviderChargeStatements.precharge(session, jobID: job.id) {
            try ProviderChargeStatements.record(
                session, jobID: job.id, provider: job.provider, kind: "refund", currency: precharge.currency,
                amountMicros: -precharge.micros, source: "provider_reported")
        }
        return true
    }

    /// The price-book rule of the job's model, on the job's pricing day, applied to the billed
    /// seconds. A model that left the books since is priced pro rata from the quote (half-up).
    func computedCost(_ job: JobRecord, billedSeconds: Int) -> Int64 {
        if let provider = Pricing.ProviderID(rawValue: job.provider),
            let resolution = job.resolution.flatMap({ Resolution.parse($0)?.resolution }),
            let day = job.pricedOn.flatMap(CalendarDay.init(iso:)),
            let offer = try? catalog.price(
                provider: provider, model: job.providerModel, quality: job.quality, seconds: billedSeconds, resolution: resolution,
                audio: job.audio, variants: job.variants, mode: GenerationMode.parse(job.mode) ?? .t2v, on: day)
        {
            return offer.costMicros
        }
        let quotedSeconds = Int128(max(1, job.quotedBilledSeconds ?? job.durationSeconds))
        let scaled = (try? Rounding.halfUp(Int128(job.quotedMicros) * Int128(billedSeconds), dividedBy: quotedSeconds)) ?? job.quotedMicros
        logger.warning(
            "job's model is not priced any more; cost scaled from the quote",
            metadata: ["job": "\(job.id)", "model": "\(job.providerModel)"])
        return scaled
    }

    /// What the provider took for a completed job, as `provider_charges` sees it.
    private func recordCompletionCharge(
        _ session: PostgresSession, job: JobRecord, providerFinal: Money?, computed: Int64, measured: Bool
    ) throws {
        guard let adapterID = Providers.ProviderID(rawValue: job.provider) else { return }
        let source = providerFinal == nil ? "price_book" : (measured ? "balance_diff" : "provider_reported")
        let currency = job.paymentSource.flatMap(Self.currency(ofStoredSource:)) ?? providerFinal?.currency.rawValue ?? job.currency
        let finalMicros = providerFinal?.micros ?? computed
        switch ProviderBilling.of(adapterID) {
        case .reportedPrecharge, .silentReserve:
            if let precharge = try ProviderChargeStatements.precharge(session, jobID: job.id) {
                try ProviderChargeStatements.record(
                    session, jobID: job.id, provider: job.provider, kind: "adjustment", currency: precharge.currency,
                    amountMicros: finalMicros - precharge.micros, source: source)
                return
            }
            fallthrough
        case .atCompletion:
            try ProviderChargeStatements.record(
                session, jobID: job.id, provider: job.provider, kind: "charge", currency: currency, amountMicros: finalMicros,
                source: source)
        }
    }

    /// `USD` → USD, `wallet:USDC` → USDC; nil for a source naming no currency.
    static func currency(ofStoredSource text: String) -> String? {
        let code = text.hasPrefix("wallet:") ? String(text.dropFirst("wallet:".count)) : text
        return Currency(code: code)?.rawValue
    }
}
