import Basics
import Foundation
import Ledger
import Postgres
import Pricing
import ProviderSimulator
import TestSupport
import Testing

@testable import Jobs

/// Only a provider's own word fails a job. Silence, garbage and lost answers hold the money
/// (`stalled`, `unknown`) until the provider speaks, evidence shows what happened, an operator
/// decides, or the long bound releases it and says so. Clocks are injected: hours pass in a
/// statement, never in a sleep.
@Suite(.serialized) struct HeldMoneyTests {
    /// The gateway answers nothing but 503s for six hours of simulated time: the job stalls once
    /// the provider has been silent for `stallAfterMilliseconds`, is asked again only on the long
    /// interval, keeps its hold, and never fails. When the provider answers again it settles.
    @Test func aProviderSilentForHoursStallsKeepsTheHoldAndItsLaterAnswerSettles() async throws {
        let configuration = JobsConfiguration()  // production limits: 10 min to stall, 15 min between stalled polls
        try await JobsHarness.with(configuration: configuration) { harness in
            let clock = ManualClock()
            let poller = harness.poller(clock: clock.jobClock)
            let outcome = try await harness.submit(Specs.gateway(), provider: "openai-videos")
            try await harness.control(.openAIVideos, "rate_5xx=1")
            var start: Date?  // the first failed poll: the provider's silence as we saw it
            var stalledAfterMilliseconds: Int?
            var pollsBeforeStall = 0
            var pollsWhileStalled = 0
            while clock.now.timeIntervalSince(start ?? clock.now) < 6 * 3_600 {
                let due = try #require(try await harness.service.job(id: outcome.job.id)?.nextPollAt)
                clock.set(due)
                if start == nil { start = clock.now }
                let round = await poller.pollOnce()
                #expect(round.leased == 1)
                let job = try #require(try await harness.service.job(id: outcome.job.id))
                #expect(!job.status.isTerminal, "a silent provider must never end the job: \(job.status)")
                if job.status == .stalled {
                    if stalledAfterMilliseconds == nil, let start {
                        stalledAfterMilliseconds = Int(clock.now.timeIntervalSince(start) * 1_000)
                    }
                    pollsWhileStalled += 1
                } else {
                    pollsBeforeStall += 1
                }
            }
            let stalled = try #require(try await harness.service.job(id: outcome.job.id))
            #expect(stalled.status == .stalled && stalled.stallReason == "provider_silent")
            #expect(stalled.transfers.map(\.kind) == ["hold"])
            #expect(try await harness.balance().held.micros == outcome.job.quotedMicros)
            let silentMilliseconds = try #require(stalledAfterMilliseconds)
            #expect(silentMilliseconds >= configuration.stallAfterMilliseconds)
            #expect(
                silentMilliseconds <= configuration.stallAfterMilliseconds + configuration.pollIntervalMillisecondsMax)
            // About four polls an hour once stalled, against up to 3,600 an hour for a healthy job.
            #expect(pollsWhileStalled <= 6 * 3_600_000 / (configuration.stalledPollIntervalMilliseconds * 9 / 10) + 1)
            print(
                "silent provider: stalled after \(silentMilliseconds) ms of silence and \(pollsBeforeStall) polls; "
                    + "\(pollsWhileStalled) polls over the next \(6 * 3_600_000 - silentMilliseconds) ms while stalled")

            try await harness.control(.openAIVideos, "rate_5xx=0")
            clock.set(try #require(try await harness.service.job(id: outcome.job.id)?.nextPollAt))
            _ = await poller.pollOnce()
            let settled = try #require(try await harness.service.job(id: outcome.job.id))
            #expect(settled.status == .completed && settled.transfers.map(\.kind).contains("capture"))
            #expect(
                settled.stallReason == nil && settled.stalledAt != nil,
                "the reason goes, the time it stalled stays for the record")
            try await harness.expectInvariants()
        }
    }

    /// 404s and status words nobody documented stall the job like silence does; they are not the
    /// provider saying it failed.
    @Test func notFoundAndGarbageStallInsteadOfFailing() async throws {
        var configuration = JobsHarness.fastConfiguration()
        configuration.stallAfterMilliseconds = 1
        configuration.stallErrorsMin = 3
        try await JobsHarness.with(configuration: configuration) { harness in
            let venice = try await harness.submit(
                Specs.venice("outcome=cancelled refund=false complete_after_ms=50"), provider: "venice"
            ).job.id
            let gateway = try await harness.submit(Specs.gateway(), provider: "openai-videos").job.id
            try await harness.control(.openAIVideos, "rate_malformed=1")
            let clock = ManualClock()
            let poller = harness.poller(clock: clock.jobClock)
            try await Task.sleep(for: .milliseconds(100))  // the Venice job has ended at the provider
            for _ in 0..<4 {
                clock.advance(milliseconds: configuration.pollIntervalMillisecondsMax * 2)
                _ = await poller.pollOnce()
            }
            for id in [venice, gateway] {
                let job = try #require(try await harness.service.job(id: id))
                #expect(
                    job.status == .stalled && job.stallReason == "provider_silent", "\(job.provider): \(job.status)")
                #expect(job.transfers.map(\.kind) == ["hold"])
            }
            try await harness.expectInvariants()
        }
    }

    /// A 5xx or a timeout after the request went out may follow a charge: the job is `unknown`
    /// and its hold stays, for every provider. A 4xx is the provider's refusal.
    @Test func aSubmitAnsweredWith5xxIsUnknownNotRefused() async throws {
        try await JobsHarness.with { harness in
            let gateway = try await harness.submit(Specs.gateway("fault=5xx"), provider: "openai-videos")
            #expect(gateway.job.status == .unknown && gateway.job.transfers.map(\.kind) == ["hold"])
            let aigate = try await harness.submit(Specs.aigate("fault=5xx"), provider: "aigate")
            #expect(await harness.poller().pollOnce().markedUnknown == 1)
            #expect(try await harness.service.job(id: aigate.job.id)?.status == .unknown)
            let refused = await #expect(throws: JobError.self) {
                try await harness.submit(Specs.venice("fault=402"), provider: "venice")
            }
            #expect(refused?.code == "submit_payment_required")
            try await harness.expectInvariants()
        }
    }

    /// A lost submit whose provider did charge: the balance moved by the quote and nothing we
    /// recorded explains it, so reconciliation settles the job as completed and says why.
    @Test func aLostSubmitIsSettledByTheBalanceEvidence() async throws {
        try await JobsHarness.with(requestTimeoutMillisecondsMax: 400) { harness in
            let reconciler = harness.reconciler()
            _ = try await reconciler.run(from: Date().addingTimeInterval(-60), to: Date())  // a balance reading before
            try await harness.control(.venice, "timeout_delay_ms=1000")
            let outcome = try await harness.submit(
                Specs.venice("fault=timeout precharge=0.55"), provider: "venice", key: "lost")
            #expect(outcome.job.status == .unknown && outcome.job.providerJobID == nil)
            #expect(try await harness.balance().held.micros == 550_000)
            #expect(
                try await harness.submit(Specs.venice("fault=timeout precharge=0.55"), provider: "venice", key: "lost")
                    .replayed)
            #expect(await harness.poller().pollOnce().leased == 0)
            let report = try await reconciler.run(from: Date().addingTimeInterval(-60), to: Date())
            let settled = try #require(report.findings.first { $0.kind == "evidence_settled" })
            #expect(settled.jobID == outcome.job.id && settled.observedMicros == 550_000)
            let job = try #require(try await harness.service.job(id: outcome.job.id))
            #expect(job.status == .completed && job.actualMicros == 550_000)
            #expect(job.heldResolution?.method == "evidence" && job.heldResolution?.resolvedBy == "reconciliation")
            let evidence = try #require(
                job.heldResolution?.evidence.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
                    as? [String: Any])
            #expect(evidence["unexplained_micros"] as? Int == 550_000 && evidence["verdict"] as? String == "completed")
            #expect(try await harness.balance().held.micros == 0)
            try await harness.expectInvariants()
        }
    }

    /// A lost submit the provider never took (its balance never moved) is released, on evidence,
    /// once the balance has had time to show a charge.
    @Test func noChargeEvidenceReleasesALostSubmitTheProviderNeverTook() async throws {
        var configuration = JobsHarness.fastConfiguration()
        configuration.noChargeEvidenceAfterMilliseconds = 0
        configuration.stallAfterMilliseconds = 1
        try await JobsHarness.with(configuration: configuration) { harness in
            let reconciler = harness.reconciler()
            _ = try await reconciler.run(from: Date().addingTimeInterval(-60), to: Date())
            let refusedAt5xx = try await harness.submit(Specs.venice("fault=5xx"), provider: "venice").job
            #expect(refusedAt5xx.status == .unknown)
            let report = try await reconciler.run(from: Date().addingTimeInterval(-60), to: Date())
            #expect(report.findings.contains { $0.kind == "evidence_settled" && $0.jobID == refusedAt5xx.id })
            let released = try #require(try await harness.service.job(id: refusedAt5xx.id))
            #expect(released.status == .failed && released.failureCode == "evidence_not_charged" && !released.refunded)
            try await harness.expectInvariants()
        }
    }

    /// A Venice job reserved, then cancelled and refunded by the provider: its status calls
    /// answer 404, so it stalls; the refund seen on the balance releases it as refunded.
    @Test func aRefundSeenOnTheBalanceReleasesAStalledPrepaidJob() async throws {
        var configuration = JobsHarness.fastConfiguration()
        configuration.stallAfterMilliseconds = 1
        try await JobsHarness.with(configuration: configuration) { harness in
            let reconciler = harness.reconciler()
            _ = try await reconciler.run(from: Date().addingTimeInterval(-60), to: Date())
            let refunded = try await harness.submit(
                Specs.venice("precharge=0.55 outcome=cancelled refund=true complete_after_ms=50"), provider: "venice"
            ).job
            try await Task.sleep(for: .milliseconds(100))
            let clock = ManualClock()
            for _ in 0..<4 {
                clock.advance(milliseconds: 1_000)
                _ = await harness.poller(clock: clock.jobClock).pollOnce()
            }
            #expect(try await harness.service.job(id: refunded.id)?.status == .stalled)
            let second = try await reconciler.run(from: Date().addingTimeInterval(-60), to: Date())
            #expect(
                second.findings.contains { $0.kind == "evidence_settled" && $0.jobID == refunded.id },
                "\(second.findings)")
            let ended = try #require(try await harness.service.job(id: refunded.id))
            #expect(ended.status == .failed && ended.refunded && ended.transfers.map(\.kind) == ["hold", "release"])
            try await harness.expectInvariants()
        }
    }

    /// Readings taken while another job of the provider is in flight are not evidence: its money
    /// event and our record of it could straddle a reading. The held job waits for a quiet moment.
    @Test func evidenceWaitsWhileOtherJobsOfTheProviderAreInFlight() async throws {
        try await JobsHarness.with(requestTimeoutMillisecondsMax: 400) { harness in
            let reconciler = harness.reconciler()
            _ = try await reconciler.run(from: Date().addingTimeInterval(-60), to: Date())
            try await harness.control(.venice, "timeout_delay_ms=1000")
            let lost = try await harness.submit(Specs.venice("fault=timeout precharge=0.55"), provider: "venice").job
            _ = try await harness.submit(Specs.venice("complete_after_ms=600000 another"), provider: "venice")
            let report = try await reconciler.run(from: Date().addingTimeInterval(-60), to: Date())
            #expect(!report.findings.contains { $0.kind == "evidence_settled" }, "\(report.findings)")
            #expect(try await harness.service.job(id: lost.id)?.status == .unknown)
            #expect(report.findings.contains { $0.kind == "unknown_job" && $0.jobID == lost.id })
        }
    }

    /// Evidence that fits no single story leaves the money held and says so.
    @Test func ambiguousEvidenceLeavesTheMoneyHeld() async throws {
        try await JobsHarness.with(requestTimeoutMillisecondsMax: 400) { harness in
            let reconciler = harness.reconciler()
            _ = try await reconciler.run(from: Date().addingTimeInterval(-60), to: Date())
            try await harness.control(.venice, "timeout_delay_ms=1000")
            // The provider took 0.40 for a job quoted 0.55: neither "charged its quote" nor "not charged".
            let outcome = try await harness.submit(Specs.venice("fault=timeout precharge=0.40"), provider: "venice")
            let report = try await reconciler.run(from: Date().addingTimeInterval(-60), to: Date())
            #expect(report.findings.contains { $0.kind == "evidence_ambiguous" && $0.observedMicros == 400_000 })
            #expect(report.findings.contains { $0.kind == "unknown_job" && $0.jobID == outcome.job.id })
            #expect(try await harness.service.job(id: outcome.job.id)?.status == .unknown)
            #expect(try await harness.balance().held.micros == 550_000)
        }
    }

    /// Past the long bound (7 days) held money is released, and the release is itself reported.
    @Test func theLongBoundReleasesHeldMoneyAndReportsIt() async throws {
        try await JobsHarness.with(requestTimeoutMillisecondsMax: 400) { harness in
            try await harness.control(.venice, "timeout_delay_ms=1000")
            let outcome = try await harness.submit(Specs.venice("fault=timeout precharge=0.40"), provider: "venice")
            let clock = ManualClock()
            let reconciler = harness.reconciler(configuration: JobsConfiguration(), clock: clock.jobClock)
            let early = try await reconciler.run(from: Date().addingTimeInterval(-60), to: Date())
            #expect(!early.findings.contains { $0.kind == "held_bound_released" })
            clock.advance(milliseconds: JobsConfiguration().heldBoundMilliseconds + 1_000)
            let late = try await reconciler.run(from: Date().addingTimeInterval(-60), to: Date())
            let finding = try #require(late.findings.first { $0.kind == "held_bound_released" })
            #expect(finding.jobID == outcome.job.id && finding.severity == "error")
            let job = try #require(try await harness.service.job(id: outcome.job.id))
            #expect(job.status == .expired && job.failureCode == "held_bound" && job.heldResolution?.method == "bound")
            #expect(try await harness.balance().held.micros == 0)
            try await harness.expectInvariants()
        }
    }

    /// An operator resolves a held job by hand, recorded with who and why; an ended job is refused.
    @Test func anOperatorResolvesAHeldJobByHand() async throws {
        try await JobsHarness.with(requestTimeoutMillisecondsMax: 400) { harness in
            try await harness.control(.venice, "timeout_delay_ms=1000")
            let first = try await harness.submit(Specs.venice("fault=timeout"), provider: "venice").job
            let second = try await harness.submit(Specs.venice("fault=timeout second"), provider: "venice").job
            let completed = try await harness.service.resolve(
                id: first.id, outcome: .completed(costMicros: 500_000), by: "ops:alice",
                reason: "provider invoice line 42")
            #expect(completed.status == .completed && completed.actualMicros == 500_000)
            #expect(
                completed.heldResolution?.method == "operator" && completed.heldResolution?.resolvedBy == "ops:alice")
            #expect(completed.transfers.map(\.kind).contains("capture"))
            let failed = try await harness.service.resolve(
                id: second.id, outcome: .failed, by: "ops:alice", reason: "not on the invoice")
            #expect(failed.status == .failed && failed.transfers.map(\.kind) == ["hold", "release"])
            await #expect(throws: JobError.notResolvable(jobID: first.id, status: .completed)) {
                try await harness.service.resolve(id: first.id, outcome: .failed, by: "ops:alice", reason: "again")
            }
            let blank = await #expect(throws: JobError.self) {
                try await harness.service.resolve(id: UUID(), outcome: .failed, by: "ops:alice", reason: "  ")
            }
            #expect(blank?.code == "invalid_field")
            try await harness.expectInvariants()
        }
    }

    /// A job leased by an instance whose heartbeat stopped, or that stopped gracefully, is taken
    /// over at once; an AIGate call it had dispatched is `unknown` (never sent again); a live
    /// instance keeps its lease.
    @Test func leasesOfADeadOrStoppedInstanceAreTakenOverAtOnce() async throws {
        try await JobsHarness.with(defaults: "complete_after_ms=60000") { harness in
            let queued = try await harness.submit(Specs.venice(), provider: "venice").job.id
            let aigate = try await harness.submit(Specs.aigate(), provider: "aigate").job.id
            try await harness.pool.withSession { session in
                try session.execute(
                    "INSERT INTO instances (id, heartbeat_at) VALUES ('dead', now() - interval '1 hour'), ('alive', now() + interval '1 hour')"
                )
                try session.execute(
                    """
                    UPDATE jobs SET lease_owner = 'dead', lease_expires_at = now() + interval '1 hour', next_poll_at = now(),
                           dispatched_at = CASE WHEN provider = 'aigate' THEN now() ELSE dispatched_at END
                    """)
            }
            let round = await harness.poller("taker").pollOnce()
            #expect(round.leased == 2 && round.markedUnknown == 1)
            let lost = try #require(try await harness.service.job(id: aigate))
            #expect(lost.status == .unknown && lost.transfers.map(\.kind) == ["hold"])
            #expect(try await harness.simulatorState(.aigate).jobs == 0, "an AIGate job is never sent again")
            let taken = try #require(try await harness.service.job(id: queued))
            #expect(taken.status == .queued || taken.status == .running)

            try await harness.pool.withSession { session in
                try session.execute(
                    "UPDATE jobs SET lease_owner = 'alive', lease_expires_at = now() + interval '1 hour', next_poll_at = now() WHERE id = $1",
                    [queued])
            }
            #expect(await harness.poller("taker").pollOnce().leased == 0, "a live instance keeps its lease")
            try await harness.pool.withSession { session in
                try session.execute("UPDATE instances SET stopped_at = now() WHERE id = 'alive'")
            }
            #expect(await harness.poller("taker").pollOnce().leased == 1, "a stopped instance's lease is free at once")
            try await harness.expectInvariants()
        }
    }

    /// A retry with a known key answers the job it made before any validation or pricing: here
    /// the model retired in between, and the retry still gets its job, not a 4xx.
    @Test func aRetryIsAnsweredBeforeItIsPricedAgain() async throws {
        try await JobsHarness.with { harness in
            let spec = JobSpec(
                model: "seedance-1-5-pro-text-to-video-basic", duration: 5, resolution: "720p", prompt: "a retry")
            let before = JobService(
                pool: harness.pool, catalog: harness.catalog, adapters: harness.adapters,
                configuration: harness.configuration,
                today: { CalendarDay(iso: "2026-11-09")! })
            let first = try await before.submit(
                JobRequest(userID: harness.user, idempotencyKey: "retry-1", spec: spec, provider: "venice"))
            let after = JobService(
                pool: harness.pool, catalog: harness.catalog, adapters: harness.adapters,
                configuration: harness.configuration,
                today: { CalendarDay(iso: "2026-11-10")! })
            let retry = try await after.submit(
                JobRequest(userID: harness.user, idempotencyKey: "retry-1", spec: spec, provider: "venice"))
            #expect(retry.replayed && retry.job.id == first.job.id)
            let fresh = await #expect(throws: JobError.self) {
                try await after.submit(
                    JobRequest(userID: harness.user, idempotencyKey: "retry-2", spec: spec, provider: "venice"))
            }
            #expect(fresh?.code == "not_offered", "a new request for a retired model is still refused")
            #expect(try await harness.simulatorState(.venice).jobs == 1)
        }
    }

    /// A cost far above the quote is not charged without a look: the job is held, flagged.
    @Test func anImplausibleReportedCostIsHeldNotCharged() async throws {
        try await JobsHarness.with { harness in
            let id = try await harness.submit(Specs.nanoGPT("final_cost=5000"), provider: "nanogpt").job.id
            let job = try #require(
                try await harness.settle([id]) { $0.status.isTerminal || $0.status == .stalled }.first)
            #expect(job.status == .stalled && job.stallReason == "implausible_cost", "\(job.status)")
            #expect(job.transfers.map(\.kind) == ["hold"])
            try await harness.expectInvariants()
        }
    }

    /// What available plus credit cannot cover at capture is recorded, flagged, and shown.
    @Test func aShortfallIsShownOnTheJobAndInReconciliation() async throws {
        try await JobsHarness.with(funds: 2_500_000) { harness in
            // Quoted 2.50 (5 s); the provider bills 8 s, so the cost exceeds what is left.
            let id = try await harness.submit(Specs.nanoGPT("billed_seconds=8 final_cost=3.55"), provider: "nanogpt")
                .job.id
            let job = try #require(try await harness.settle([id]).first)
            #expect(
                job.status == .completed && job.shortfallMicros == 1_050_000,
                "\(String(describing: job.shortfallMicros))")
            let report = try await harness.reconciler().run(from: Date().addingTimeInterval(-60), to: Date())
            #expect(
                report.findings.contains { $0.kind == "shortfall" && $0.jobID == id && $0.observedMicros == 1_050_000 })
            try await harness.expectInvariants()
        }
    }
}
