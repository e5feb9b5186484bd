import Foundation
import Ledger
import Logging
import Money
import Postgres
import Pricing
import ProviderSimulator
import Reconciliation
import ServiceLifecycle
import TestSupport
import Testing

@testable import Jobs

@Suite(.serialized) struct RobustnessTests {
    @Test func pollingRecoversFrom429And5xx() async throws {
        try await JobsHarness.with { harness in
            var ids: [UUID] = []
            for index in 0..<6 {
                ids.append(try await harness.submit(Specs.gateway("n=\(index)"), provider: "openai-videos").job.id)
                ids.append(try await harness.submit(Specs.nanoGPT("n=\(index)"), provider: "nanogpt").job.id)
            }
            // First every poll fails: the jobs stay in flight with the error noted, none ends.
            try await harness.control(.openAIVideos, "rate_429=1 retry_after_seconds=1")
            try await harness.control(.nanoGPT, "rate_5xx=1")
            let poller = harness.poller()
            for _ in 0..<3 {
                _ = await poller.pollOnce()
                try await Task.sleep(for: .milliseconds(100))
            }
            let failing = try await harness.pool.withSession { session in
                try session.query(
                    "SELECT provider, last_error FROM jobs WHERE finished_at IS NULL AND last_error IS NOT NULL"
                )
                .map { "\(try $0.decode(0, as: String.self)) \(try $0.decode(1, as: String.self))" }
            }
            #expect(
                Set(failing) == ["openai-videos status: rate_limited", "nanogpt status: unavailable"], "\(failing)")
            #expect(try await harness.count("SELECT count(*) FROM jobs WHERE finished_at IS NULL") == ids.count)
            // Then a flaky provider: every job still completes.
            try await harness.control(.openAIVideos, "rate_429=0.4")
            try await harness.control(.nanoGPT, "rate_5xx=0.4")
            let jobs = try await harness.settle(ids, poller: poller, timeoutMilliseconds: 300_000)
            #expect(jobs.allSatisfy { $0.status == .completed }, "\(jobs.map { "\($0.status) \($0.lastError ?? "")" })")
            try await harness.expectInvariants()
        }
    }

    @Test func pollingRecoversFromTimeouts() async throws {
        try await JobsHarness.with(requestTimeoutMillisecondsMax: 400) { harness in
            var ids: [UUID] = []
            for _ in 0..<4 { ids.append(try await harness.submit(Specs.venice(), provider: "venice").job.id) }
            try await harness.control(.venice, "rate_timeout=0.5 timeout_delay_ms=1000")
            let jobs = try await harness.settle(ids, timeoutMilliseconds: 300_000)
            #expect(jobs.allSatisfy { $0.status == .completed }, "\(jobs.map { "\($0.status) \($0.lastError ?? "")" })")
            try await harness.expectInvariants()
        }
    }

    @Test func aProviderAnsweringGarbageDoesNotStopTheOthers() async throws {
        try await JobsHarness.with { harness in
            let venice = try await harness.submit(Specs.venice(), provider: "venice").job.id
            var others: [UUID] = []
            for (provider, spec) in Specs.all() where provider != "venice" {
                others.append(try await harness.submit(spec, provider: provider).job.id)
            }
            try await harness.control(.venice, "rate_malformed=1")
            let settled = try await harness.settle(others)
            #expect(settled.allSatisfy { $0.status == .completed })
            let stuck = try #require(try await harness.service.job(id: venice))
            #expect(!stuck.status.isTerminal && stuck.lastError == "status: malformed_response")
            try await harness.control(.venice, "rate_malformed=0")
            #expect(try await harness.settle([venice]).first?.status == .completed)
            try await harness.expectInvariants()
        }
    }

    @Test func threePollersRacingSettleEveryJobExactlyOnce() async throws {
        var configuration = JobsHarness.fastConfiguration()
        configuration.leaseMilliseconds = 300
        configuration.pollIntervalMillisecondsMin = 10
        configuration.pollIntervalMillisecondsMax = 50
        try await JobsHarness.with(defaults: "complete_after_ms=200", configuration: configuration) { harness in
            var ids: [UUID] = []
            for index in 0..<20 {
                for (provider, spec) in Specs.all("n=\(index)") {
                    ids.append(try await harness.submit(spec, provider: provider).job.id)
                }
            }
            let pollers = (1...3).map { harness.poller("racer-\($0)") }
            let stops = pollers.map { _ in StopSignal() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (poller, stop) in zip(pollers, stops) { group.addTask { await poller.run(until: stop) } }
                let deadline = ContinuousClock.now + .seconds(300)
                while try await harness.count("SELECT count(*) FROM jobs WHERE finished_at IS NULL") > 0,
                    ContinuousClock.now < deadline
                {
                    try await Task.sleep(for: .milliseconds(100))
                }
                for stop in stops { stop.stop() }
                try await group.waitForAll()
            }
            #expect(try await harness.count("SELECT count(*) FROM jobs WHERE status = 'completed'") == ids.count)
            let doubleCaptures = try await harness.count(
                """
                SELECT count(*) FROM (SELECT hold_id FROM transfers WHERE kind IN ('capture', 'release')
                                      GROUP BY hold_id HAVING count(DISTINCT operation_key) > 1) twice
                """)
            #expect(doubleCaptures == 0)
            #expect(try await harness.count("SELECT count(*) FROM jobs WHERE lease_owner IS NOT NULL") == 0)
            let spent = ids.count
            let captured = try await harness.count(
                "SELECT count(DISTINCT hold_id) FROM transfers WHERE kind = 'capture'")
            #expect(captured == spent)
            try await harness.expectInvariants()
        }
    }

    @Test func theSameSubmitTwiceWithOneKeyMakesOneJobOneHoldOneProviderCall() async throws {
        try await JobsHarness.with { harness in
            let spec = Specs.venice()
            let results = try await withThrowingTaskGroup(of: JobOutcome.self) { group in
                for _ in 0..<5 { group.addTask { try await harness.submit(spec, provider: "venice", key: "same-key") } }
                var results: [JobOutcome] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(Set(results.map(\.job.id)).count == 1)
            #expect(results.filter { !$0.replayed }.count == 1)
            #expect(try await harness.count("SELECT count(*) FROM jobs") == 1)
            #expect(try await harness.count("SELECT count(*) FROM holds") == 1)
            #expect(try await harness.simulatorState(.venice).jobs == 1)
            let again = try await harness.submit(spec, provider: "venice", key: "same-key")
            #expect(again.replayed && again.job.id == results[0].job.id && again.job.holdID == results[0].job.holdID)
            var other = spec
            other.prompt = "another video"
            let error = await #expect(throws: JobError.self) {
                try await harness.submit(other, provider: "venice", key: "same-key")
            }
            #expect(error?.code == "idempotency_conflict")
            #expect(try await harness.count("SELECT count(*) FROM jobs") == 1)
            try await harness.expectInvariants()
        }
    }

    @Test func badInputIsRefusedWithTypedErrorsAndWritesNothing() async throws {
        try await JobsHarness.with(funds: 1_000_000) { harness in
            let service = harness.service
            await #expect(throws: JobError.unknownUser("nobody")) {
                try await service.submit(JobRequest(userID: "nobody", spec: Specs.venice(), provider: "venice"))
            }
            let family = await #expect(throws: JobError.self) {
                try await harness.submit(
                    JobSpec(family: "veo-9", duration: 5, resolution: "720p", prompt: "x"), provider: "cheapest")
            }
            guard case .invalidSpec(.unknownFamily("veo-9", _))? = family else {
                Issue.record("\(String(describing: family))")
                return
            }
            await #expect(throws: JobError.invalidSpec(.unknownProvider("acme"))) {
                try await harness.submit(Specs.venice(), provider: "acme")
            }
            await #expect(throws: JobError.invalidSpec(.unknownResolution("9000p"))) {
                try await harness.submit(
                    JobSpec(family: "wan-2.7", duration: 5, resolution: "9000p", prompt: "x"), provider: "venice")
            }
            let model = await #expect(throws: JobError.self) {
                try await harness.submit(
                    JobSpec(model: "no-such-model", duration: 5, resolution: "720p", prompt: "x"), provider: "venice")
            }
            #expect(model?.code == "invalid_spec" && model?.description.hasPrefix("model:") == true)
            let prompt = await #expect(throws: JobError.self) {
                try await harness.submit(
                    JobSpec(family: "wan-2.7", duration: 5, resolution: "720p", prompt: " "), provider: "venice")
            }
            #expect(prompt?.code == "invalid_field")
            let offered = await #expect(throws: JobError.self) {
                try await harness.submit(
                    JobSpec(family: "wan-2.7", duration: 5, resolution: "720p", prompt: "x"), provider: "aimo")
            }
            #expect(offered?.code == "not_offered")
            // 1.0 USD of funds; a 10-second veo-2 clip is not offered, a 8 s one costs 2.80.
            let funds = await #expect(throws: JobError.self) {
                try await harness.submit(
                    JobSpec(family: "veo-2", duration: 8, resolution: "720p", prompt: "x"), provider: "nanogpt")
            }
            #expect(funds?.code == "insufficient_funds")
            #expect(try await harness.count("SELECT count(*) FROM jobs") == 0)
            #expect(try await harness.count("SELECT count(*) FROM holds") == 0)
            #expect(try await harness.simulatorState(.nanoGPT).jobs == 0)
            #expect(try await harness.balance().available.micros == 1_000_000)
            try await harness.expectInvariants()
        }
    }

    @Test func aProviderRefusalFailsTheJobReleasesTheHoldAndReplaysTheSameError() async throws {
        try await JobsHarness.with { harness in
            let spec = Specs.nanoGPT("fault=429")
            let first = await #expect(throws: JobError.self) {
                try await harness.submit(spec, provider: "nanogpt", key: "refused")
            }
            guard case .providerRejected(let id, let code, _)? = first else {
                Issue.record("\(String(describing: first))")
                return
            }
            #expect(code == "submit_rate_limited")
            let second = await #expect(throws: JobError.self) {
                try await harness.submit(spec, provider: "nanogpt", key: "refused")
            }
            #expect(second == first)
            let job = try #require(try await harness.service.job(id: id))
            #expect(job.status == .failed && job.transfers.map(\.kind) == ["hold", "release"])
            try await harness.expectInvariants()
        }
    }

    @Test func reconciliationStoresFindingsAndReadsThemBack() async throws {
        try await JobsHarness.with { harness in
            let reconciler = harness.reconciler()
            let from = Date().addingTimeInterval(-5)
            _ = try await reconciler.run(from: from, to: Date())
            let nano = try await harness.submit(Specs.nanoGPT("final_cost=0.40"), provider: "nanogpt").job.id
            let venice = try await harness.submit(Specs.venice(), provider: "venice").job.id
            _ = try await harness.settle([nano, venice])
            let report = try await reconciler.run(from: from, to: Date())
            #expect(
                report.findings.contains {
                    $0.kind == "cost_mismatch" && $0.jobID == nano && $0.differenceMicros == 400_000 - 2_500_000
                })
            // Venice reserves $0.10/s in the simulator; our recorded reserve is the book's 0.11/s.
            #expect(
                report.findings.contains {
                    $0.kind == "balance_drift" && $0.provider == "venice" && $0.differenceMicros == 50_000
                })
            #expect(!report.findings.contains { $0.kind == "invariant_violation" })
            #expect(try await reconciler.report(id: report.id) == report.withStoredPrecision)
            #expect(try await reconciler.report(id: UUID()) == nil)
        }
    }

    @Test func thePollerServiceReturnsNormallyOnGracefulShutdownAndReleasesItsLeases() async throws {
        try await JobsHarness.with(defaults: "complete_after_ms=60000") { harness in
            let id = try await harness.submit(Specs.venice(), provider: "venice").job.id
            let group = ServiceGroup(
                services: [PollerService(poller: harness.poller("service"))], gracefulShutdownSignals: [],
                cancellationSignals: [],
                logger: Logger(label: "test"))
            let running = Task { try await group.run() }
            try await Task.sleep(for: .milliseconds(500))
            await group.triggerGracefulShutdown()
            try await running.value
            let job = try #require(try await harness.service.job(id: id))
            #expect(job.status == .queued || job.status == .running)
            #expect(try await harness.count("SELECT count(*) FROM jobs WHERE lease_owner IS NOT NULL") == 0)
        }
    }

    @Test func pollScheduleFollowsETABackoffAndRetryAfter() {
        let schedule = PollSchedule(
            configuration: JobsConfiguration(pollIntervalMillisecondsMin: 1_000, pollIntervalMillisecondsMax: 30_000))
        #expect(schedule.afterProgress(etaMilliseconds: 10_000, attempts: 0) == 11_000)
        #expect(schedule.afterProgress(etaMilliseconds: nil, attempts: 0) == 1_000)
        #expect(schedule.afterProgress(etaMilliseconds: nil, attempts: 2) == 2_250)
        #expect(schedule.afterProgress(etaMilliseconds: nil, attempts: 50) == 30_000)
        #expect(schedule.afterError(consecutiveErrors: 1, retryAfterSeconds: nil, unitRandom: 0.999_999) == 1_000)
        #expect(schedule.afterError(consecutiveErrors: 4, retryAfterSeconds: nil, unitRandom: 0) == 4_000)
        #expect(schedule.afterError(consecutiveErrors: 30, retryAfterSeconds: nil, unitRandom: 0.5) == 22_500)
        #expect(schedule.afterError(consecutiveErrors: 1, retryAfterSeconds: 45, unitRandom: 0) == 45_000)
    }
}

extension ReconciliationReport {
    /// Dates as PostgreSQL keeps them (microseconds), for comparing a report with its stored copy.
    var withStoredPrecision: ReconciliationReport {
        func round(_ date: Date) -> Date {
            PostgresTimestamp(microsecondsSinceEpoch: PostgresTimestamp(date).microsecondsSinceEpoch).date
        }
        var copy = self
        copy.periodFrom = round(periodFrom)
        copy.periodTo = round(periodTo)
        copy.startedAt = round(startedAt)
        copy.finishedAt = finishedAt.map(round)
        return copy
    }
}
