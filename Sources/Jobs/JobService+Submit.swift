import Foundation
import Ledger
import Money
import Postgres
import Pricing
import ProviderRegistry
import Providers

extension JobService {
    /// Submits a job (VideoLedger calls the provider) or records one (`providerJobID` given).
    ///
    /// Refused before anything is written: bad input, unknown user, nothing offered, insufficient
    /// funds, idempotency conflict. Then the job and its hold are written in one transaction, and
    /// only then is the provider called; what it answered decides the state: `queued` (accepted),
    /// `failed` with the hold released (refused: thrown as `JobError.providerRejected`),
    /// `unknown` (the answer was lost; the hold stays until reconciliation), or `submitting` for
    /// AIGate, whose 10–15-minute call the poller makes. With live quotes on, the provider's own
    /// price is asked first and kept beside the catalog quote. The same request with the same
    /// idempotency key returns the same job (`replayed`) or the same error, and calls nobody; it
    /// is answered before validation and pricing, so a retry never fails on what changed since.
    public func submit(_ request: JobRequest) async throws -> JobOutcome {
        do {
            // Idempotency first: a retry of a request that made a job answers that job even if
            // the books changed or the model retired since, so a client never retries under a new
            // key and pays twice. With live quotes on, it is looked up before anything else, so a
            // retry asks no provider for a price. Without, the insert's own transaction finds it
            // (`existingIfAny`), and a request refused before the insert looks for it then: a
            // read, and its commit, saved on every first submit.
            if liveQuotes != nil, let earlier = try await earlierJob(for: request) {
                return try Self.outcome(earlier, replayed: true)
            }
            let offer: Offer
            let quote: QuoteRequest
            let ranking: SubmitRanking
            let adapter: any ProviderAdapter
            do {
                try validate(request)
                (offer, quote, ranking) = try price(request)
                guard let configured = adapters[offer.provider] else {
                    throw JobError.providerDisabled(offer.provider.rawValue)
                }
                adapter = configured
                if request.isRecord && offer.provider.descriptor.isSynchronous {
                    throw JobError.recordUnsupported(
                        provider: offer.provider.rawValue,
                        reason: "it answers the submit call itself and has no status endpoint to poll")
                }
            } catch {
                if liveQuotes == nil, let earlier = try await earlierJob(for: request) {
                    return try Self.outcome(earlier, replayed: true)
                }
                throw error
            }
            let provider = offer.provider
            // Before anything is written: a quote call charges nothing and creates no job.
            let liveQuoteMicros =
                request.isRecord ? nil : await liveQuotes?.liveMicros(for: offer, aspectRatio: quote.aspectRatio)
            let inserted = try await insert(
                request, offer: offer, quote: quote, ranking: request.isRecord ? nil : ranking,
                liveQuoteMicros: liveQuoteMicros,
                synchronous: provider.descriptor.isSynchronous)
            switch inserted {
            case .existing(let job):
                return try Self.outcome(job, replayed: true)
            case .created(let job):
                JobMetrics.transition(to: job.status)
                guard job.status == .submitting, !provider.descriptor.isSynchronous else {
                    return try finish(job)
                }
                // Shielded from the caller's cancellation: once the call may have gone out, its
                // answer must be written whatever happens to the request that asked.
                let recorder = self.recorder
                let sent = try await Task {
                    try await Self.send(job, adapter: adapter, provider: provider, recorder: recorder)
                }.value
                JobMetrics.transition(to: sent.status)
                return try finish(sent)
            }
        } catch {
            throw JobError.wrap(error)
        }
    }

    /// The job an earlier identical request made, in a session of its own: before pricing when
    /// live quotes are on, or after a refusal that came before the insert.
    private func earlierJob(for request: JobRequest) async throws -> JobRecord? {
        guard request.idempotencyKey != nil || request.providerJobID != nil else { return nil }
        return try await pool.withSession { session in try Self.existingIfAny(session, request) }
    }

    /// The outcome of a job read with its transfers in the transaction that last wrote it (so
    /// nothing is read again after the commit); a provider refusal becomes its error.
    private func finish(_ job: JobRecord) throws -> JobOutcome {
        try Self.outcome(job, replayed: false)
    }

    static func outcome(_ job: JobRecord, replayed: Bool) throws -> JobOutcome {
        if job.status == .failed, let code = job.failureCode, code.hasPrefix("submit_") {
            throw JobError.providerRejected(jobID: job.id, code: code, message: job.failureReason ?? code)
        }
        return JobOutcome(job: job, replayed: replayed)
    }

    /// Calls the provider's submit once and records what came of it. The call itself follows the
    /// caller's cancellation (a cancelled call is an unknown outcome); the write of its outcome
    /// does not.
    static func send(
        _ job: JobRecord, adapter: any ProviderAdapter, provider: ProviderID, recorder: SubmissionRecorder
    ) async throws -> JobRecord {
        let spec = ProviderJobSpec(
            model: job.providerModel, prompt: job.prompt ?? "", durationSeconds: job.durationSeconds,
            resolution: job.resolution,
            aspectRatio: job.aspectRatio, audio: job.audio, count: job.variants,
            mode: ProviderJobSpec.Mode(rawValue: job.mode) ?? .textToVideo, imageURL: job.imageURL,
            quality: job.quality,
            clientReference: job.id.uuidString.lowercased())
        let started = ContinuousClock.now
        let submission: ProviderSubmission
        do {
            submission = try await adapter.submit(spec)
        } catch {
            JobMetrics.providerError(provider: provider.rawValue, operation: "submit", error: error)
            // The writes below are unstructured tasks: a cancelled caller must not cut them.
            switch SubmitFailure.classify(error) {
            case .refused(let code, let message, let refunded):
                return try await Task {
                    try await recorder.refused(jobID: job.id, code: code, message: message, refunded: refunded)
                }.value
            case .unknown(let message):
                return try await Task { try await recorder.lost(jobID: job.id, message: message) }.value
            }
        }
        JobMetrics.providerCall(provider: provider.rawValue, operation: "submit", since: started)
        return try await Task { try await recorder.accepted(jobID: job.id, provider: provider, submission: submission) }
            .value
    }

    // MARK: - Checks and pricing (no I/O)

    func validate(_ request: JobRequest) throws {
        if let key = request.idempotencyKey, !(1...200).contains(key.count) {
            throw JobError.invalidField(
                field: "idempotency_key", problem: "\(key.count) characters", accepted: "1 to 200 characters")
        }
        if let id = request.providerJobID {
            // It becomes a path segment of provider URLs that carry our key: no `/`, `?`, `%`,
            // spaces or controls, and not a dot segment.
            guard Self.isProviderJobID(id) else {
                throw JobError.invalidField(
                    field: "provider_job_id", problem: "not a provider job id",
                    accepted: "1 to 200 of A-Z a-z 0-9 . _ : -, other than . and ..")
            }
            guard request.provider.lowercased() != JobRequest.cheapest else {
                throw JobError.invalidField(
                    field: "provider", problem: "a recorded job must name the provider that has it",
                    accepted: ProviderID.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return
        }
        let prompt = request.spec.prompt
        guard !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
            prompt.count <= configuration.promptCharactersMax
        else {
            throw JobError.invalidField(
                field: "prompt", problem: prompt.isEmpty ? "missing" : "\(prompt.count) characters",
                accepted: "1 to \(configuration.promptCharactersMax) characters")
        }
        if GenerationMode.parse(request.spec.mode ?? "t2v") == .i2v, (request.spec.imageURL ?? "").isEmpty {
            throw JobError.invalidField(
                field: "image_url", problem: "missing for image-to-video", accepted: "an https or data URL")
        }
    }

    /// `[A-Za-z0-9._:-]{1,200}`, other than `.` and `..`.
    public static func isProviderJobID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...200).contains(bytes.count), id != ".", id != ".." else { return false }
        return bytes.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
                || byte == UInt8(ascii: "-")
        }
    }

    /// The offer the job will run on: the named provider's, or the cheapest configured one's by
    /// the request's rank (price or expected cost) within its constraints; with what the ranking
    /// saw at submit time, kept on the job for the savings report.
    func price(_ request: JobRequest) throws -> (Offer, QuoteRequest, SubmitRanking) {
        let named = request.provider.lowercased() == JobRequest.cheapest ? nil : request.provider.lowercased()
        let spec = request.spec
        let input = QuoteInput(
            family: spec.family, model: spec.model, provider: named, quality: spec.quality, duration: spec.duration,
            resolution: spec.resolution, aspectRatio: spec.aspectRatio, audio: spec.audio, variants: spec.variants,
            mode: spec.mode)
        let quoteRequest: QuoteRequest
        do {
            quoteRequest = try catalog.request(for: input, today: today())
        } catch {
            throw JobError.invalidSpec(error)
        }
        if let provider = quoteRequest.provider, adapters[provider] == nil {
            throw JobError.providerDisabled(provider.rawValue)
        }
        let ranked = catalog.rankedQuote(
            quoteRequest, rank: request.rank, book: expectedCostBook, constraints: request.constraints,
            isAvailable: { adapters[$0] != nil })
        guard let best = ranked.best else {
            if let disabled = ranked.passedOver.first(where: { $0.code == "provider_disabled" }),
                !ranked.passedOver.contains(where: { $0.code == "too_slow" || $0.code == "success_rate_too_low" })
            {
                // Someone offers it, but only providers this service has no credentials for.
                throw JobError.providerDisabled(disabled.provider.rawValue)
            }
            let reasons = ranked.passedOver.map {
                "\($0.provider.rawValue)\($0.providerModel.map { " " + $0 } ?? ""): \($0.reason)"
            }
            throw JobError.notOffered(reasons.isEmpty ? "no provider model matches" : reasons.joined(separator: "; "))
        }
        return (best.offer, quoteRequest, SubmitRanking(ranked, chosen: best))
    }
}
