import Foundation
import Jobs
import Ledger
import Money
import Postgres
import ProviderSimulator
import TestSupport
import Testing

/// Submit → poll → settle against the simulator over loopback, with a real database. Ledger
/// invariants are checked after every scenario.
@Suite(.serialized) struct LifecycleTests {
    static let funds: Int64 = 1_000_000_000

    /// Simulator default: $0.10/s. Expected actual cost per provider: the price book's for
    /// billed seconds = requested, except NanoGPT, whose reported final cost (5 s × 0.10) wins.
    /// The gateway's Veo 3.1 Fast cannot be asked for silence: it is priced with audio (0.10/s).
    @Test(arguments: [
        ("aimo", Int64(640_000)), ("openai-videos", 800_000), ("venice", 550_000), ("nanogpt", 500_000),
        ("aigate", 420_000),
    ])
    func fullPathForEachProvider(provider: String, expectedActual: Int64) async throws {
        try await JobsHarness.with { harness in
            let spec = try #require(Specs.all().first { $0.0 == provider }?.1)
            let outcome = try await harness.submit(spec, provider: provider, key: "full-\(provider)")
            #expect(!outcome.replayed && outcome.job.provider == provider)
            #expect(outcome.job.holdID != nil && outcome.job.transfers.map(\.kind) == ["hold"])
            if provider == "aigate" {
                #expect(outcome.job.status == .submitting && outcome.job.providerJobID == nil)
            } else {
                #expect(outcome.job.status == .queued && outcome.job.providerJobID != nil)
            }
            let job = try #require(try await harness.settle([outcome.job.id]).first)
            #expect(job.status == .completed, "\(job.status) \(job.failureReason ?? "") \(job.lastError ?? "")")
            #expect(job.actualMicros == expectedActual)
            #expect(job.quoteErrorMicros == expectedActual - job.quotedMicros)
            #expect(job.billedSeconds == job.durationSeconds)
            #expect(job.finishedAt != nil && job.providerJobID != nil)
            // Venice answers the finished video inline (video/mp4): there is no URL to keep.
            #expect(job.resultURLs.isEmpty == (provider == "venice"))
            let captured = job.transfers.filter { $0.kind == "capture" }.map(\.amountMicros).reduce(0, +)
            let excess = job.transfers.filter { $0.kind == "excess" }.map(\.amountMicros).reduce(0, +)
            #expect(captured + excess == expectedActual)
            #expect(job.transfers.allSatisfy { $0.kind == "hold" || $0.operationKey.hasSuffix(":capture") })
            #expect(try await harness.balance().available.micros == Self.funds - expectedActual)
            #expect(try await harness.balance().held.micros == 0)
            try await harness.expectInvariants()
        }
    }

    @Test func billedSecondsFromTheProviderOverrideTheRequest() async throws {
        try await JobsHarness.with { harness in
            let outcome = try await harness.submit(Specs.gateway("billed_seconds=4"), provider: "openai-videos")
            #expect(outcome.job.quotedMicros == 800_000)
            let job = try #require(try await harness.settle([outcome.job.id]).first)
            #expect(job.status == .completed && job.billedSeconds == 4)
            #expect(job.computedMicros == 400_000 && job.actualMicros == 400_000 && job.quoteErrorMicros == -400_000)
            #expect(job.transfers.map(\.kind) == ["hold", "capture", "release"])
            #expect(job.transfers.map(\.amountMicros) == [800_000, 400_000, 400_000])
            try await harness.expectInvariants()
        }
    }

    @Test func aReportedFinalCostWinsOverThePriceBookAndThePrecharge() async throws {
        try await JobsHarness.with { harness in
            let outcome = try await harness.submit(Specs.nanoGPT("final_cost=0.40"), provider: "nanogpt")
            #expect(outcome.job.providerPrechargeMicros == 500_000 && outcome.job.paymentSource == "USD")
            #expect(outcome.job.providerBalanceMicros == 99_500_000)
            let job = try #require(try await harness.settle([outcome.job.id]).first)
            #expect(job.status == .completed && job.providerCostMicros == 400_000 && job.actualMicros == 400_000)
            #expect(job.computedMicros == 2_500_000 && job.quoteErrorMicros == 400_000 - 2_500_000)
            let charges = try await harness.pool.withSession { session in
                try session.query(
                    "SELECT kind, amount_micros FROM provider_charges WHERE job_id = $1 ORDER BY id", [job.id]
                ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: Int64.self)) }
            }
            #expect(charges.map(\.0) == ["precharge", "adjustment"] && charges.map(\.1) == [500_000, -100_000])
            #expect(
                try await harness.count("SELECT count(*) FROM provider_balance_snapshots WHERE job_id = $1", [job.id])
                    == 1)
            try await harness.expectInvariants()
        }
    }

    @Test func failuresRefundsAndContentPolicyReleaseTheHold() async throws {
        try await JobsHarness.with { harness in
            let cases: [(String, JobSpec, String, Bool)] = [
                ("nanogpt", Specs.nanoGPT("outcome=failed"), "provider_failed", true),
                ("venice", Specs.venice("outcome=content_policy"), "content_policy", true),
                ("openai-videos", Specs.gateway("outcome=failed"), "provider_failed", false),
                ("aimo", Specs.aimo("outcome=failed"), "provider_failed", false),
            ]
            var ids: [UUID] = []
            for (provider, spec, _, _) in cases {
                ids.append(try await harness.submit(spec, provider: provider).job.id)
            }
            let jobs = try await harness.settle(ids)
            for (job, expected) in zip(jobs, cases) {
                #expect(
                    job.status == .failed && job.failureCode == expected.2,
                    "\(job.provider): \(job.status) \(job.failureCode ?? "")")
                #expect(job.refunded == expected.3, "\(job.provider)")
                #expect(job.actualMicros == nil && job.transfers.map(\.kind) == ["hold", "release"])
            }
            #expect(try await harness.balance().available.micros == Self.funds)
            let refunds = try await harness.count("SELECT count(*) FROM provider_charges WHERE kind = 'refund'")
            #expect(refunds == 2)
            try await harness.expectInvariants()
        }
    }

    @Test func recordPollsAndSettlesAJobSubmittedElsewhere() async throws {
        try await JobsHarness.with { harness in
            // Submit at the provider directly, as a caller that does its own submits would.
            let adapter = try #require(harness.adapters[.venice])
            let submission = try await adapter.submit(
                .init(model: "wan-2-7-text-to-video", prompt: "x", durationSeconds: 5))
            let request = Specs.venice()
            let recorded = try await harness.submit(
                request, provider: "venice", providerJobID: submission.providerJobID)
            #expect(recorded.job.origin == "record" && recorded.job.status == .queued && recorded.job.holdID != nil)
            let again = try await harness.submit(request, provider: "venice", providerJobID: submission.providerJobID)
            #expect(again.replayed && again.job.id == recorded.job.id)
            try await Ledger(pool: harness.pool).createUser("bob")
            await #expect(
                throws: JobError.providerJobAlreadyRecorded(
                    provider: "venice", providerJobID: submission.providerJobID, jobID: recorded.job.id)
            ) {
                try await harness.service.submit(
                    JobRequest(
                        userID: "bob", spec: request, provider: "venice", providerJobID: submission.providerJobID))
            }
            let job = try #require(try await harness.settle([recorded.job.id]).first)
            #expect(job.status == .completed && job.actualMicros == 550_000)
            await #expect(throws: JobError.self) {
                try await harness.submit(Specs.aigate(), provider: "aigate", providerJobID: "task_x")
            }
            try await harness.expectInvariants()
        }
    }

    /// A record's hold comes before its job row, and its provider job id is unique across users:
    /// when another user's record of the same id commits while this one waits to insert, the
    /// insert writes nothing, the record is refused, and the hold taken for it goes with it: the
    /// user is never held for a job that does not exist.
    @Test func aRecordThatLosesTheRaceForItsProviderJobIDLeavesNoHold() async throws {
        try await JobsHarness.with { harness in
            let adapter = try #require(harness.adapters[.venice])
            let first = try await adapter.submit(.init(model: "wan-2-7-text-to-video", prompt: "x", durationSeconds: 5))
            let second = try await adapter.submit(
                .init(model: "wan-2-7-text-to-video", prompt: "y", durationSeconds: 5))
            try await Ledger(pool: harness.pool).createUser("bob")
            try await Ledger(pool: harness.pool).topUp(
                key: "bob-funds", userID: "bob", amount: Money(micros: Self.funds, currency: .usd))
            let bobs = try await harness.service.submit(
                JobRequest(userID: "bob", spec: Specs.venice(), provider: "venice", providerJobID: first.providerJobID))
            // Bob's job takes the second id in a transaction of its own, not yet committed.
            let blocker = PostgresConnection(connectionString: harness.pool.configuration.connectionString)
            try await blocker.withSession { session in
                try session.execute("BEGIN")
                try session.execute(
                    "UPDATE jobs SET provider_job_id = $2 WHERE id = $1", [bobs.job.id, second.providerJobID])
            }
            let heldBefore = try await harness.balance().held
            let alices = Task {
                try await harness.submit(Specs.venice(), provider: "venice", providerJobID: second.providerJobID)
            }
            try await waitForALockWait(harness.pool)  // alice's hold is taken, her insert waits on bob's row
            try await blocker.withSession { session in try session.execute("COMMIT") }
            await #expect(
                throws: JobError.providerJobAlreadyRecorded(
                    provider: "venice", providerJobID: second.providerJobID, jobID: bobs.job.id)
            ) { _ = try await alices.value }
            #expect(try await harness.balance().held == heldBefore)
            #expect(try await harness.count("SELECT count(*) FROM holds WHERE user_id = 'alice'") == 0)
            try await harness.expectInvariants()
            await blocker.close()
        }
    }

    @Test func cancelReleasesTheHoldOnceAndThePollerLeavesTheJobAlone() async throws {
        try await JobsHarness.with { harness in
            let outcome = try await harness.submit(Specs.venice("complete_after_ms=60000"), provider: "venice")
            let cancelled = try await harness.service.cancel(id: outcome.job.id)
            #expect(cancelled.status == .cancelled && cancelled.transfers.map(\.kind) == ["hold", "release"])
            #expect(try await harness.service.cancel(id: outcome.job.id).status == .cancelled)
            let round = await harness.poller().pollOnce()
            #expect(round.leased == 0)
            #expect(try await harness.balance().available.micros == Self.funds)
            let done = try await harness.submit(Specs.venice("complete_after_ms=0"), provider: "venice")
            _ = try await harness.settle([done.job.id])
            await #expect(throws: JobError.notCancellable(jobID: done.job.id, status: .completed)) {
                try await harness.service.cancel(id: done.job.id)
            }
            let missing = UUID()
            await #expect(throws: JobError.jobNotFound(missing)) { try await harness.service.cancel(id: missing) }
            #expect(try await harness.service.job(id: missing) == nil)
            try await harness.expectInvariants()
        }
    }

    /// Past its provider's maximum age a job is held as `stalled`, never released on a timer (the
    /// provider has not said it failed); the provider's later answer settles it. The clock is
    /// injected: no sleep decides the age.
    @Test func jobsPastTheirProviderMaximumAgeAreHeldUntilTheProviderAnswers() async throws {
        var configuration = JobsHarness.fastConfiguration()
        configuration.jobAgeMaxMilliseconds = [.nanoGPT: 300_000]
        try await JobsHarness.with(configuration: configuration) { harness in
            let clock = ManualClock()
            let poller = harness.poller(clock: clock.jobClock)
            let outcome = try await harness.submit(Specs.nanoGPT("complete_after_ms=1500"), provider: "nanogpt")
            clock.advance(milliseconds: 301_000)
            #expect(await poller.pollOnce().stalled == 1)
            let held = try #require(try await harness.service.job(id: outcome.job.id))
            #expect(held.status == .stalled && held.stallReason == "max_age")
            #expect(held.transfers.map(\.kind) == ["hold"])
            #expect(try await harness.balance().held.micros == outcome.job.quotedMicros)
            // The provider finishes in real time; each round moves the clock past the stalled interval.
            let deadline = ContinuousClock.now + .seconds(30)
            var job = held
            while job.status == .stalled && ContinuousClock.now < deadline {
                clock.advance(milliseconds: configuration.stalledPollIntervalMilliseconds * 2)
                _ = await poller.pollOnce()
                try await Task.sleep(for: .milliseconds(50))
                job = try #require(try await harness.service.job(id: outcome.job.id))
            }
            #expect(job.status == .completed && job.transfers.map(\.kind).contains("capture"), "\(job.status)")
            try await harness.expectInvariants()
        }
    }
}
