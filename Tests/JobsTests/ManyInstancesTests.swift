import Basics
import Foundation
import Postgres
import ProviderRegistry
import ProviderSimulator
import TestSupport
import Testing

@testable import Jobs
@testable import Reconciliation

/// Several instances on one database behave as one service: the per-provider cap on calls in
/// flight holds across all of them, and a scheduled reconciliation period runs once.
@Suite struct ManyInstancesTests {
    @Test func theInFlightCapHoldsAcrossInstances() async throws {
        var configuration = JobsHarness.fastConfiguration()
        configuration.inFlightMaxPerProvider = [.venice: 3]
        configuration.leaseBatchMax = 10
        try await JobsHarness.with(defaults: "complete_after_ms=600000", configuration: configuration) { harness in
            for index in 0..<12 { _ = try await harness.submit(Specs.venice("n=\(index)"), provider: "venice") }
            // Three instances lease at once; their leases are held (not processed) so they add up.
            let pollers = (1...3).map { harness.poller("instance-\($0)") }
            let counts = await withTaskGroup(of: (Int, Int).self) { group -> [Int: Int] in
                for (index, poller) in pollers.enumerated() {
                    group.addTask { (index, await poller.leaseDue(.venice).count) }
                }
                return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            let leased = counts.values.reduce(0, +)
            #expect(leased == 3, "three instances together lease no more than the cap: \(leased)")
            let held = try await harness.count("SELECT count(*) FROM jobs WHERE lease_owner IS NOT NULL")
            #expect(held == 3)
            // A lease of a dead instance is not counted: it is free to take over. The dead one is
            // one that leased (whichever won the race to the advisory lock), the taker another.
            let dead = try #require(counts.filter { $0.value > 0 }.keys.min())
            try await harness.pool.withSession { session in
                try session.execute(
                    "INSERT INTO instances (id, heartbeat_at) VALUES ($1, now() - interval '1 hour')",
                    ["instance-\(dead + 1)"])
            }
            let taken = await pollers[(dead + 1) % pollers.count].leaseDue(.venice).count
            #expect(taken >= 1 && taken <= 3, "\(taken)")
        }
    }

    @Test func aScheduledPeriodIsReconciledOnceWhateverTheInstances() async throws {
        try await JobsHarness.with { harness in
            let period = ReconcilerService.period(endingBefore: Date(), intervalMilliseconds: 60_000)
            let services = (1...3).map {
                ReconcilerService(reconciler: harness.reconciler(), intervalMilliseconds: 60_000, instanceID: "i\($0)")
            }
            await withTaskGroup(of: Void.self) { group in
                for service in services { group.addTask { await service.runIfClaimed(period) } }
            }
            let runs = try await harness.count("SELECT count(*) FROM reconciliations WHERE trigger = 'schedule'")
            let claims = try await harness.count("SELECT count(*) FROM scheduled_reconciliations")
            #expect(runs == 1 && claims == 1)
            let (start, end) = ReconcilerService.period(
                endingBefore: Date(timeIntervalSince1970: 3_600 * 10 + 1_234), intervalMilliseconds: 3_600_000)
            #expect(start == Date(timeIntervalSince1970: 3_600 * 9))
            #expect(end == Date(timeIntervalSince1970: 3_600 * 10))
        }
    }

    /// Three worker processes carry one batch: the cap holds across them (sampled from the
    /// leases in the database that count against it: held by a live instance and unexpired; a
    /// SIGKILLed worker's leases stay in the table until taken over, but nothing of it is out),
    /// one is SIGKILLed midway and the other two take its jobs over;
    /// every job ends settled or held, and the ledger's invariants hold.
    @Test func threeProcessesShareTheCapsAndTakeOverAKilledOne() async throws {
        let worker = try #require(CrashTests.workerPath(), "JobsCrashWorker was not built next to the test binary")
        let cap = 2
        try await JobsHarness.with(defaults: "") { harness in
            for provider in ProviderID.allCases {
                try await harness.control(provider, "balance_usd=1000000 balance_usdc=1000000")
            }
            var environment = ProcessInfo.processInfo.environment
            environment["CRASH_DATABASE"] = harness.pool.configuration.connectionString
            environment["CRASH_PRICING_DIR"] = TestDatabase.repositoryRoot + "/pricing"
            environment["CRASH_BASE_URLS"] = harness.simulator.baseURLs.map { "\($0.key.rawValue)=\($0.value)" }.joined(
                separator: ",")
            environment["CRASH_JOBS"] = "120"
            environment["CRASH_USER"] = harness.user
            environment["CRASH_PROVIDERS"] = "venice,nanogpt,openai-videos"
            environment["CRASH_INFLIGHT_MAX"] = String(cap)
            let log = "/tmp/videoledger-instances-\(getpid()).log"
            let pids = try (0..<3).map { _ in try ChildProcess.start(worker, environment: environment, log: log) }
            var busiest = 0
            let started = ContinuousClock.now
            var killed = false
            while ContinuousClock.now - started < .seconds(300) {
                let (leased, inFlight) = try await harness.pool.withSession { session in
                    (
                        try session.query(
                            """
                            SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM jobs
                            WHERE lease_owner IS NOT NULL AND status IN ('queued', 'running')
                              AND NOT \(InstanceHeartbeat.leaseTakeable(now: "now()", dead: "1000"))
                            GROUP BY provider) t
                            """)[0].decode(0, as: Int64.self),
                        try session.query(
                            "SELECT count(*) FROM jobs WHERE status IN ('submitting', 'queued', 'running')")[0].decode(
                                0, as: Int64.self)
                    )
                }
                busiest = max(busiest, Int(leased))
                if !killed && ContinuousClock.now - started > .seconds(2) {
                    _ = try await ChildProcess.kill(pids[0])
                    killed = true
                }
                let total = try await harness.count("SELECT count(*) FROM jobs")
                if killed && total == 120 && inFlight == 0 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            for pid in pids.dropFirst() {
                #expect(try await ChildProcess.wait(pid, timeoutMilliseconds: 300_000) == 0)
            }
            #expect(
                busiest <= cap, "at most \(cap) polls of one provider in flight across three instances, saw \(busiest)")
            #expect(busiest >= 1, "the sampling saw the work")
            #expect(try await harness.count("SELECT count(*) FROM jobs") == 120)
            #expect(
                try await harness.count("SELECT count(*) FROM jobs WHERE status IN ('submitting', 'queued', 'running')")
                    == 0)
            try await harness.expectInvariants()
        }
    }
}
