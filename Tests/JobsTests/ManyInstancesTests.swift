import Basics
import Foundation
import Postgres
import ProviderRegistry
import ProviderSimulator
import Synchronization
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
            let leased = await withTaskGroup(of: Int.self) { group -> Int in
                for poller in pollers { group.addTask { await poller.leaseDue(.venice).count } }
                return await group.reduce(0, +)
            }
            #expect(leased == 3, "three instances together lease no more than the cap: \(leased)")
            let held = try await harness.count("SELECT count(*) FROM jobs WHERE lease_owner IS NOT NULL")
            #expect(held == 3)
            // A lease of a dead instance is not counted: it is free to take over. Which instances
            // won the three leases is up to the race above (one may have taken all three), so the
            // instance declared dead is one that holds a lease, and another one takes over.
            let dead = try await harness.pool.withSession { session -> String in
                let owner = try session.query("SELECT min(lease_owner) FROM jobs WHERE lease_owner IS NOT NULL")[0]
                    .decode(0, as: String.self)
                try session.execute(
                    "INSERT INTO instances (id, heartbeat_at) VALUES ($1, now() - interval '1 hour')", [owner])
                return owner
            }
            let survivor = try #require(pollers.first { $0.instanceID != dead })
            let taken = await survivor.leaseDue(.venice).count
            #expect(taken >= 1 && taken <= 3, "\(taken)")
        }
    }

    /// Venice capped at 2, for tests whose pollers lease and heartbeat only when told: every
    /// step must see the leases the steps before it took, so the bounds are long enough that a
    /// slow machine cannot expire them or take an instance for dead between two steps.
    static var stepwise: JobsConfiguration {
        var configuration = JobsHarness.fastConfiguration()
        configuration.inFlightMaxPerProvider = [.venice: 2]
        configuration.leaseBatchMax = 10
        configuration.heartbeatDeadAfterMilliseconds = 600_000
        configuration.leaseMilliseconds = 600_000
        configuration.submitLeaseMilliseconds = 600_000
        configuration.synchronousLeaseMilliseconds = 600_000
        return configuration
    }

    /// A live instance whose heartbeat is late is taken for dead and fenced by the sibling that
    /// leases past it. While fenced it leases nothing; when its heartbeat lands, its leases are
    /// expired, not counted again, so the leases that count never go past the cap.
    @Test func aLateHeartbeatNeverPutsAProviderOverItsCap() async throws {
        try await JobsHarness.with(defaults: "complete_after_ms=600000", configuration: Self.stepwise) { harness in
            for index in 0..<6 { _ = try await harness.submit(Specs.venice("n=\(index)"), provider: "venice") }
            let late = harness.poller("late")
            let sibling = harness.poller("sibling")
            func counted() async throws -> Int {
                try await harness.count(
                    "SELECT count(*) FROM jobs WHERE \(InstanceHeartbeat.leaseCounted(now: "now()"))")
            }
            func fenced() async throws -> Bool {
                try await harness.count("SELECT count(*) FROM instances WHERE id = 'late' AND fenced_at IS NOT NULL")
                    == 1
            }
            await late.heartbeat.beat()
            await sibling.heartbeat.beat()
            _ = try await harness.pool.withSession { session in
                try session.execute("UPDATE jobs SET next_poll_at = now() - interval '1 second'")
            }
            #expect(await late.leaseDue(.venice).count == 2)
            #expect(await sibling.leaseDue(.venice).isEmpty, "the cap is full")

            // The late instance's heartbeat is an hour old, and the jobs it holds are not due (it is
            // polling them): the sibling fences it and leases two others past it.
            _ = try await harness.pool.withSession { session in
                try session.execute("UPDATE instances SET heartbeat_at = now() - interval '1 hour' WHERE id = 'late'")
                try session.execute(
                    "UPDATE jobs SET next_poll_at = now() + interval '1 hour' WHERE lease_owner = 'late'")
            }
            #expect(await sibling.leaseDue(.venice).count == 2)
            #expect(try await fenced())
            #expect(try await counted() == 2)
            #expect(try await harness.count("SELECT count(*) FROM jobs WHERE lease_owner IS NOT NULL") == 4)
            #expect(await late.leaseDue(.venice).isEmpty, "a fenced instance leases nothing")

            // Its heartbeat lands: what it held is expired in the same commit, and nothing counts again.
            await late.heartbeat.beat()
            #expect(try await !fenced())
            #expect(try await counted() == 2)
            #expect(
                try await harness.count(
                    "SELECT count(*) FROM jobs WHERE lease_owner = 'late' AND lease_expires_at >= now()") == 0)
            #expect(await late.leaseDue(.venice).isEmpty, "live again, it leases within the cap")
            try await harness.expectInvariants()
        }
    }

    /// A lease round in flight holds its own instance's row to its commit: the instance's
    /// heartbeat, and a sibling's fence on it, wait for the round rather than land halfway
    /// through it. That is what lets the heartbeat that lifts a fence expire every lease the
    /// instance's rounds took; a lease committed after the heartbeat had read its leases would
    /// count again once the fence was gone.
    @Test func aLeaseRoundInFlightHoldsOffItsHeartbeatAndAFence() async throws {
        try await JobsHarness.with(defaults: "complete_after_ms=600000", configuration: Self.stepwise) { harness in
            for index in 0..<6 { _ = try await harness.submit(Specs.venice("n=\(index)"), provider: "venice") }
            let late = harness.poller("late")
            let sibling = harness.poller("sibling")
            await late.heartbeat.beat()
            await sibling.heartbeat.beat()
            _ = try await harness.pool.withSession { session in
                try session.execute("UPDATE jobs SET next_poll_at = now() - interval '1 second'")
                try session.execute("UPDATE instances SET heartbeat_at = now() - interval '1 hour' WHERE id = 'late'")
            }
            // Another session holds the provider's lease lock, so late's round stops on it midway.
            let holder = PostgresConnection(connectionString: harness.pool.configuration.connectionString)
            try await holder.withSession { session in
                try session.execute("BEGIN")
                try session.execute("SELECT pg_advisory_xact_lock(hashtext('videoledger.lease.venice'))")
            }
            let lateRound = Task { await late.leaseDue(.venice).count }
            try await waitForALockWait(harness.pool)

            // Late's heartbeat waits for the round (or, were the row not held, lands at once).
            let beaten = Mutex(false)
            let heartbeat = Task {
                await late.heartbeat.beat()
                beaten.withLock { $0 = true }
            }
            try await waitUntil { try await lockWaits(harness.pool) >= 2 || beaten.withLock { $0 } }
            #expect(!beaten.withLock { $0 }, "the heartbeat landed while the round was in flight")

            // The sibling takes late for dead; its fence waits at late's row, not at the lease lock.
            let siblingRound = Task { await sibling.leaseDue(.venice).count }
            try await waitUntil {
                let advisory = try await lockWaits(harness.pool, event: "advisory")
                return try await lockWaits(harness.pool) >= 3 || advisory >= 2
            }
            #expect(
                try await lockWaits(harness.pool, event: "advisory") == 1, "only late's round waits for the lease lock")

            try await holder.withSession { session in try session.execute("COMMIT") }
            #expect(await lateRound.value == 2)
            await heartbeat.value
            let siblingTook = await siblingRound.value
            let lateLive = try await harness.count(
                "SELECT count(*) FROM jobs WHERE lease_owner = 'late' AND lease_expires_at >= now()")
            #expect(lateLive + siblingTook == 2, "late kept \(lateLive), the sibling took \(siblingTook)")
            #expect(
                try await harness.count(
                    "SELECT count(*) FROM jobs WHERE \(InstanceHeartbeat.leaseCounted(now: "now()"))")
                    == 2)
            await holder.close()
            try await harness.expectInvariants()
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
    /// leases in the database that count against it: unexpired, held by an instance that
    /// neither stopped nor was fenced; a SIGKILLed worker's leases stay in the table until taken
    /// over, but nothing of it is out), one is SIGKILLed midway and the other two take its jobs
    /// over; every job ends settled or held, and the ledger's invariants hold.
    ///
    /// The workers take a sibling for dead after 1 s without a heartbeat, and this suite runs
    /// beside the other multi-process suites on two cores: a live worker's heartbeat can be late
    /// by that much: fencing keeps its leases from counting again when the heartbeat lands
    /// (`aLateHeartbeatNeverPutsAProviderOverItsCap`).
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
            // Leases are judged unexpired against `clock_timestamp()`, read after the sample's
            // snapshot, not `now()`, read when its statement arrived: on a loaded machine a lease
            // round can read its clock and commit between those two moments, and a lease it
            // rightly took for expired would count again in the sample against an earlier now.
            //
            // The leases that counted when the cap was first seen exceeded, for the failure message.
            var overCap: String?
            // How late each worker's heartbeat was seen, at worst; of the two that live, that is
            // how near they came to being taken for dead.
            var lateHeartbeatMilliseconds: [String: Int64] = [:]
            let started = ContinuousClock.now
            var killed = false
            while ContinuousClock.now - started < .seconds(300) {
                let (counted, inFlight, late) = try await harness.pool.withSession { session in
                    (
                        // Every lease that counts, in one snapshot: who wrote it (xmin) says whether
                        // one lease round or several put a provider over its cap.
                        try session.query(
                            """
                            SELECT j.provider, j.status || ' ' || j.lease_owner || ' xmin=' || j.xmin
                                   || ' expires_in_ms=' || round(extract(epoch FROM j.lease_expires_at - clock_timestamp()) * 1000)
                            FROM jobs j
                            WHERE status IN ('queued', 'running')
                              AND \(InstanceHeartbeat.leaseCounted(now: "clock_timestamp()"))
                            """
                        ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: String.self)) },
                        try session.query(
                            "SELECT count(*) FROM jobs WHERE status IN ('submitting', 'queued', 'running')")[0].decode(
                                0, as: Int64.self),
                        try session.query(
                            """
                            SELECT id, (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint FROM instances
                            WHERE stopped_at IS NULL
                            """
                        ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: Int64.self)) }
                    )
                }
                let byProvider = Dictionary(grouping: counted, by: \.0)
                let leased = byProvider.values.map(\.count).max() ?? 0
                if leased > cap && overCap == nil {
                    overCap = byProvider.filter { $0.value.count > cap }.map { provider, leases in
                        provider + ": " + leases.map(\.1).joined(separator: ", ")
                    }.joined(separator: "; ")
                }
                busiest = max(busiest, Int(leased))
                for (id, age) in late { lateHeartbeatMilliseconds[id] = max(lateHeartbeatMilliseconds[id] ?? 0, age) }
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
            let survivors = try await harness.pool.withSession { session in
                try session.query("SELECT id FROM instances WHERE stopped_at IS NOT NULL").map {
                    try $0.decode(0, as: String.self)
                }
            }
            let latestSurvivorBeat = survivors.compactMap { lateHeartbeatMilliseconds[$0] }.max() ?? 0
            #expect(
                busiest <= cap,
                "at most \(cap) polls of one provider in flight across three instances, saw \(busiest) (a live worker's heartbeat was seen up to \(latestSurvivorBeat) ms old; leases then: \(overCap ?? "-"))"
            )
            #expect(busiest >= 1, "the sampling saw the work")
            #expect(try await harness.count("SELECT count(*) FROM jobs") == 120)
            #expect(
                try await harness.count("SELECT count(*) FROM jobs WHERE status IN ('submitting', 'queued', 'running')")
                    == 0)
            try await harness.expectInvariants()
        }
    }
}
