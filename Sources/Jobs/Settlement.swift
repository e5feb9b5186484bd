import Basics
import Foundation
import Ledger
import Logging
import Money
import Postgres
import Pricing
import ProviderRegistry
import Providers

/// Ends jobs: captures the actual cost of a completed job, releases the hold of a failed,
/// cancelled or expired one. Every method runs inside the caller's transaction, on a job row the
/// caller locked (`FOR UPDATE`), so the ledger change and the job's state change commit together
/// or not at all. The ledger statement is the last one each method runs, so a caller that
/// commits right after holds the user's account rows for one statement and the commit. Exactly
/// once: the state change is conditional on a non-terminal status, and the ledger operations
/// carry keys derived from the job id (`job:<id>:capture`).
///
/// Lock order (docs/job-lifecycle.md, "Commits and locks"): the job row (the caller's
/// `FOR UPDATE`), then inside `ledger_settle` the hold row, then the user's `available` and
/// `held` rows and the provider's `payable` shard together, in account id order (`ledger_lock`).
/// Nothing is locked after the accounts. Submits take the user's row, new job rows, then the
/// same accounts; poll writes take only job rows, in job id order; so no path waits for a job
/// row or a hold while holding accounts, and no cycle can close.
package struct Settlement: Sendable {
    let catalog: PriceCatalog
    let logger: Logger

    package init(catalog: PriceCatalog, logger: Logger) {
        self.catalog = catalog
        self.logger = logger
    }

    /// What the provider says the job cost when it reports no cost itself but a measurement is
    /// possible (AIGate's `token.used` before and after a call).
    package struct Measurement {
        let cost: Money
        let source: String
    }

    /// A provider-reported or computed cost above this many times the quote (or the quote plus
    /// `plausibleExcessMicrosMax`, whichever is more) is not charged without a look: the job is
    /// held and flagged instead. A provider's garbage must not drain a user.
    static let plausibleQuoteMultipleMax: Int64 = 10
    static let plausibleExcessMicrosMax: Int64 = 10_000_000
    /// No video job bills a day of footage; a larger figure is a provider bug, and pricing it
    /// would only risk overflow.
    static let billedSecondsMax = 86_400

    /// Settles a job the provider reports completed. Returns false when the job had already
    /// ended (someone else settled or cancelled it): nothing is written then. Throws
    /// `SettlementRefusal` (nothing written) when the cost cannot be charged as reported.
    ///
    /// - Parameters:
    ///   - measured: the provider's cost measured around the call (AIGate's balance diff), kept as
    ///     the provider-side figure; the user is still charged by the price book.
    ///   - decided: the user's charge as an operator decided it; it replaces the price book and the
    ///     provider's figure, and is recorded as the provider-side cost too.
    package func complete(
        _ session: PostgresSession, job: JobRecord, status: ProviderStatus, measured: Measurement? = nil,
        decided: Measurement? = nil
    ) throws -> Bool {
        precondition(status.state == .completed, "complete() needs a completed status")
        guard !job.status.isTerminal else { return false }
        let billed = status.billedSeconds.flatMap { $0 > 0 ? $0 : nil } ?? job.durationSeconds
        guard billed <= Self.billedSecondsMax else {
            throw SettlementRefusal(reason: .implausibleCost, message: "the provider reports \(billed) billed seconds")
        }
        let computed = computedCost(job, billedSeconds: billed)
        let reported = status.reportedCost
        // A reported final cost wins when it is in the job's currency; in another currency (a
        // NanoGPT job paid in XNO) it is kept for reconciliation and the price book decides.
        let actual =
            decided?.cost.micros ?? reported.flatMap { $0.currency.rawValue == job.currency ? $0.micros : nil }
            ?? computed
        if decided == nil {
            try Self.checkPlausible(actual: actual, computed: computed, job: job, billedSeconds: billed)
        }
        precondition(actual >= 0, "a decided cost is never negative (checked where it is decided)")
        let providerCost = decided?.cost ?? reported ?? measured?.cost
        let urls = status.resultURLs.isEmpty ? nil : JobRecord.resultURLsJSON(status.resultURLs)
        let updated = try session.executePrepared(
            """
            UPDATE jobs SET status = 'completed', billed_seconds = $2, computed_micros = $3, actual_micros = $4,
                   quote_error_micros = $4 - quoted_micros, provider_cost_micros = $5, provider_cost_currency = $6,
                   result_urls = coalesce($7::jsonb, result_urls), running_at = coalesce(running_at, now()),
                   finished_at = now(), updated_at = now(), next_poll_at = NULL, lease_owner = NULL, lease_expires_at = NULL,
                   last_error = NULL, stall_reason = NULL
            WHERE id = $1 AND status NOT IN \(JobStatus.terminalSQL)
            """,
            [job.id, billed, computed, actual, providerCost?.micros, providerCost?.currency.rawValue, urls])
        precondition(updated == 1, "job \(job.id) was locked and not terminal, yet not updated")
        let chargeSource =
            decided?.source ?? (reported != nil ? "provider_reported" : (measured?.source ?? "price_book"))
        try recordCompletionCharge(
            session, job: job, providerFinal: providerCost, computed: computed, source: chargeSource)
        if let balance = status.balance {
            try ProviderChargeStatements.snapshot(
                session, provider: job.provider, balance: balance, source: "status", jobID: job.id)
        }
        // The money last, so the user's account rows stay locked only from here to the commit,
        // not across the job's own writes: settlements of one user queue on those rows.
        if let holdID = job.holdID {
            _ = try LedgerStatements.capture(
                session, key: JobLedgerKeys.captureKey(job.id), holdID: holdID, actualMicros: actual)
        }
        return true
    }

    /// Refuses a negative cost, or one far above the quote: the provider's figure (or its billed
    /// seconds) is not believable, and an operator should see it before anyone is charged.
    static func checkPlausible(actual: Int64, computed: Int64, job: JobRecord, billedSeconds: Int) throws {
        guard actual >= 0, computed >= 0 else {
            throw SettlementRefusal(
                reason: .implausibleCost, message: "negative cost (actual \(actual), computed \(computed) micro-units)")
        }
        let (multiple, overflow) = job.quotedMicros.multipliedReportingOverflow(by: plausibleQuoteMultipleMax)
        let ceiling =
            overflow
            ? Int64.max : max(multiple, job.quotedMicros.addingReportingOverflow(plausibleExcessMicrosMax).partialValue)
        guard actual <= ceiling, computed <= ceiling else {
            throw SettlementRefusal(
                reason: .implausibleCost,
                message:
                    "cost \(max(actual, computed)) micro-units for \(billedSeconds) billed seconds is over \(ceiling) "
                    + "(quote \(job.quotedMicros)); held for a look")
        }
    }

    /// Ends a job without a charge: releases the whole hold. Returns false when it had ended.
    package func end(
        _ session: PostgresSession, job: JobRecord, as final: JobStatus, code: String, reason: String?, refunded: Bool
    ) throws -> Bool {
        precondition(final.isTerminal && final != .completed, "end() is for failed, cancelled and expired jobs")
        guard !job.status.isTerminal else { return false }
        let updated = try session.executePrepared(
            """
            UPDATE jobs SET status = $2, failure_code = $3, failure_reason = $4, refunded = $5, finished_at = now(),
                   updated_at = now(), next_poll_at = NULL, lease_owner = NULL, lease_expires_at = NULL, stall_reason = NULL
            WHERE id = $1 AND status NOT IN \(JobStatus.terminalSQL)
            """, [job.id, final.rawValue, code, reason.map { String($0.prefix(500)) }, refunded])
        precondition(updated == 1, "job \(job.id) was locked and not terminal, yet not updated")
        if refunded, let precharge = try ProviderChargeStatements.precharge(session, jobID: job.id) {
            try ProviderChargeStatements.record(
                session, jobID: job.id, provider: job.provider, kind: "refund", currency: precharge.currency,
                amountMicros: -precharge.micros, source: "provider_reported")
        }
        // The money last: the user's account rows stay locked only from here to the commit.
        if let holdID = job.holdID {
            _ = try LedgerStatements.release(session, key: JobLedgerKeys.releaseKey(job.id), holdID: holdID)
        }
        return true
    }

    /// The price-book rule of the job's model, on the job's pricing day, applied to the billed
    /// seconds. A model that left the books since is priced pro rata from the quote (half-up).
    func computedCost(_ job: JobRecord, billedSeconds: Int) -> Int64 {
        if let provider = ProviderID(rawValue: job.provider),
            let resolution = job.resolution.flatMap({ Resolution.parse($0)?.resolution }),
            let day = job.pricedOn.flatMap(CalendarDay.init(iso:)),
            let offer = try? catalog.price(
                provider: provider, model: job.providerModel, quality: job.quality, seconds: billedSeconds,
                resolution: resolution,
                audio: job.audio, variants: job.variants, mode: GenerationMode.parse(job.mode) ?? .t2v, on: day)
        {
            return offer.costMicros
        }
        let quotedSeconds = Int128(max(1, job.quotedBilledSeconds ?? job.durationSeconds))
        let scaled =
            (try? Rounding.halfUp(Int128(job.quotedMicros) * Int128(billedSeconds), dividedBy: quotedSeconds))
            ?? job.quotedMicros
        logger.warning(
            "job's model is not priced any more; cost scaled from the quote",
            metadata: ["job": "\(job.id)", "model": "\(job.providerModel)"])
        return scaled
    }

    /// What the provider took for a completed job, as `provider_charges` sees it, each amount
    /// in the currency it is in. A provider-reported figure keeps its own currency; a price-book
    /// figure is USD, labelled with the payment source's currency only where that currency is
    /// USD itself or pegged 1:1 to it (USDC wallets). Nothing is converted: when the final figure
    /// and the precharge are in different currencies (a NanoGPT job paid in XNO that reported no
    /// XNO cost), no adjustment is written and the precharge stands.
    private func recordCompletionCharge(
        _ session: PostgresSession, job: JobRecord, providerFinal: Money?, computed: Int64, source: String
    ) throws {
        guard let providerID = ProviderID(rawValue: job.provider) else { return }
        let sourceCurrency = job.paymentSource.flatMap(Self.currency(ofStoredSource:))
        let bookCurrency = sourceCurrency.flatMap { Self.usdPegged.contains($0) ? $0 : nil } ?? job.currency
        let final =
            providerFinal.map { (micros: $0.micros, currency: $0.currency.rawValue) } ?? (
                micros: computed, currency: bookCurrency
            )
        switch providerID.descriptor.billing {
        case .reportedPrecharge, .silentReserve:
            if let precharge = try ProviderChargeStatements.precharge(session, jobID: job.id) {
                guard
                    precharge.currency == final.currency
                        || (providerFinal == nil && Self.usdPegged.contains(precharge.currency))
                else {
                    logger.info(
                        "no adjustment: the final cost and the precharge are in different currencies",
                        metadata: [
                            "job": "\(job.id)", "precharge": "\(precharge.currency)", "final": "\(final.currency)",
                        ])
                    return
                }
                try ProviderChargeStatements.record(
                    session, jobID: job.id, provider: job.provider, kind: "adjustment", currency: precharge.currency,
                    amountMicros: final.micros - precharge.micros, source: source)
                return
            }
            fallthrough
        case .atCompletion:
            try ProviderChargeStatements.record(
                session, jobID: job.id, provider: job.provider, kind: "charge", currency: final.currency,
                amountMicros: final.micros,
                source: source)
        }
    }

    /// Currencies whose amounts equal USD amounts: a price-book figure may stand for them.
    static let usdPegged: Set<String> = ["USD", "USDC"]

    /// Records how a held job was resolved when the provider's own answer did not settle it: by
    /// evidence, by an operator, or by the long bound. Written in the transaction that ends the
    /// job, so a job is never resolved without its record, nor recorded without ending.
    package func recordResolution(
        _ session: PostgresSession, jobID: UUID, method: String, outcome: JobStatus, cost: Money?, by: String,
        reason: String,
        evidence: String?
    ) throws {
        precondition(outcome.isTerminal, "a resolution ends the job")
        try session.executePrepared(
            """
            INSERT INTO job_resolutions (job_id, method, outcome, cost_micros, currency, resolved_by, reason, evidence)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
            """,
            [
                jobID, method, outcome.rawValue, cost?.micros, cost?.currency.rawValue, String(by.prefix(200)),
                String(reason.prefix(1_000)),
                evidence,
            ])
    }

    /// `USD` → USD, `wallet:USDC` → USDC; nil for a source naming no currency.
    static func currency(ofStoredSource text: String) -> String? {
        let code = text.hasPrefix("wallet:") ? String(text.dropFirst("wallet:".count)) : text
        return Currency(code: code)?.rawValue
    }
}
