import Basics
import Foundation
import Postgres
import ProviderSimulator
import TestSupport
import Testing

@testable import Jobs

/// A real worker process (`JobsCrashWorker`, the service's Jobs stack) carrying one AIGate job,
/// which renders for seconds and charges during the call, stopped mid-call: SIGTERM drains (the
/// call finishes and settles); SIGKILL leaves the job to be taken over within the heartbeat
/// bound, held as `unknown` until the balance evidence settles it.
@Suite(.serialized) struct DeployAndCrashTests {
    static let renderMilliseconds = 3_000

    /// The worker's limits (see `JobsCrashWorker.configuration`): a sibling instance reads
    /// heartbeats with the same bound.
    static let workerConfiguration = JobsConfiguration(
        leaseMilliseconds: 1_500, submitLeaseMilliseconds: 2_000, synchronousLeaseMilliseconds: 60_000,
        pollIntervalMillisecondsMin: 50, pollIntervalMillisecondsMax: 300, errorBackoffMillisecondsBase: 50,
        stallAfterMilliseconds: 2_000, stalledPollIntervalMilliseconds: 300, idleTickMilliseconds: 20,
        shutdownGraceMilliseconds: 2_000,
        synchronousDrainMilliseconds: 60_000, heartbeatIntervalMilliseconds: 100, heartbeatDeadAfterMilliseconds: 1_000)

    @Test func aSIGTERMDuringAnAIGateCallLetsTheCallFinishAndCaptures() async throws {
        try await Self.withWorkerOnAnAIGateCall { harness, pid, job in
            let status = try await ChildProcess.terminate(pid, timeoutMilliseconds: 120_000)
            #expect(status == 0, "the worker drains and exits 0")
            let settled = try #require(try await harness.service.job(id: job))
            #expect(settled.status == .completed, "\(settled.status) \(settled.lastError ?? "")")
            #expect(settled.transfers.map(\.kind).contains("capture"))
            #expect(try await harness.balance().held.micros == 0)
            try await harness.expectInvariants()
        }
    }

    @Test func aSIGKILLDuringAnAIGateCallIsTakenOverFastHeldAndSettledByEvidence() async throws {
        try await Self.withWorkerOnAnAIGateCall { harness, pid, job in
            _ = try await ChildProcess.kill(pid)
            let killed = ContinuousClock.now
            // Another instance takes the job over as soon as the dead one's heartbeat is stale.
            let rescuer = harness.poller("rescuer", configuration: Self.workerConfiguration)
            var record = try #require(try await harness.service.job(id: job))
            while record.status == .submitting && ContinuousClock.now - killed < .seconds(300) {
                _ = await rescuer.pollOnce()
                try await Task.sleep(for: .milliseconds(20))
                record = try #require(try await harness.service.job(id: job))
            }
            let takeover = ContinuousClock.now - killed
            #expect(record.status == .unknown && record.transfers.map(\.kind) == ["hold"])
            #expect(try await harness.balance().held.micros == record.quotedMicros)
            #expect(
                takeover < .milliseconds(Self.workerConfiguration.synchronousLeaseMilliseconds),
                "taken over before the lease ended")
            print(
                "crash takeover: \(takeover) after SIGKILL (heartbeat bound \(Self.workerConfiguration.heartbeatDeadAfterMilliseconds) ms)"
            )

            // The render went on at the provider and charged; the balance shows it.
            _ = try await SimulatorChargeRecord.settled(harness)
            let report = try await harness.reconciler().run(from: Date().addingTimeInterval(-600), to: Date())
            #expect(report.findings.contains { $0.kind == "evidence_settled" && $0.jobID == job }, "\(report.findings)")
            let settled = try #require(try await harness.service.job(id: job))
            #expect(settled.status == .completed && settled.heldResolution?.method == "evidence")
            #expect(settled.actualMicros == record.quotedMicros)
            try await harness.expectInvariants()
        }
    }

    /// Starts the worker on one AIGate job (rendering for `renderMilliseconds`, charging its
    /// price-book quote) and hands over once the call is out.
    static func withWorkerOnAnAIGateCall(_ body: (JobsHarness, pid_t, UUID) async throws -> Void) async throws {
        let worker = try #require(CrashTests.workerPath(), "JobsCrashWorker was not built next to the test binary")
        try await JobsHarness.with(defaults: "") { harness in
            // The book's kling-v3-std rate: charge = quote.
            try await harness.control(.aigate, "rate_per_second=0.084")
            // A balance reading before.
            _ = try await harness.reconciler().run(from: Date().addingTimeInterval(-60), to: Date())
            var environment = ProcessInfo.processInfo.environment
            environment["CRASH_DATABASE"] = harness.pool.configuration.connectionString
            environment["CRASH_PRICING_DIR"] = TestDatabase.repositoryRoot + "/pricing"
            environment["CRASH_BASE_URLS"] = harness.simulator.baseURLs.map { "\($0.key.rawValue)=\($0.value)" }.joined(
                separator: ",")
            environment["CRASH_JOBS"] = "1"
            environment["CRASH_USER"] = harness.user
            environment["CRASH_PROVIDERS"] = "aigate"
            environment["CRASH_SCENARIO"] = "complete_after_ms=\(renderMilliseconds)"
            let log = "/tmp/videoledger-aigate-worker-\(getpid()).log"
            let pid = try ChildProcess.start(worker, environment: environment, log: log)
            let deadline = ContinuousClock.now + .seconds(300)
            var dispatched: UUID?
            while dispatched == nil && ContinuousClock.now < deadline {
                dispatched = try await harness.pool.withSession { session in
                    try session.query("SELECT id FROM jobs WHERE dispatched_at IS NOT NULL").first.map {
                        try $0.decode(0)
                    }
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let job = try #require(dispatched, "the worker never dispatched its AIGate job")
            try await Task.sleep(for: .milliseconds(300))  // the call is out and rendering
            try await body(harness, pid, job)
            _ = try await ChildProcess.kill(pid)
        }
    }
}
