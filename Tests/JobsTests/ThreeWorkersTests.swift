import Basics
import Foundation
import Postgres
import ProviderRegistry
import TestSupport
import Testing

@testable import Jobs

#if canImport(Glibc)
    import Glibc
#endif

/// Three worker processes carry one batch of jobs on one database while one of them is
/// disturbed: the per-provider cap holds across them, sampled from the leases in the database
/// that count against it (unexpired, held by an instance that neither stopped nor was fenced);
/// every job ends settled or held, and the ledger's invariants hold.
///
/// The workers take a sibling for dead after 1 s without a heartbeat, and this suite runs
/// beside the other multi-process suites on two cores, so a live worker's heartbeat can be that
/// late; fencing keeps its leases from counting again when the heartbeat lands.
@Suite struct ThreeWorkersTests {
    /// One is SIGKILLed midway and the other two take its jobs over. A killed worker's leases
    /// stay in the table until taken over, but nothing of it is out.
    @Test func threeProcessesShareTheCapsAndTakeOverAKilledOne() async throws {
        try await JobsHarness.with(defaults: "") { harness in
            var killed = false
            let run = try await ThreeWorkers.run(harness) { pids, elapsed in
                if !killed && elapsed > .seconds(2) {
                    _ = try await ChildProcess.kill(pids[0])
                    killed = true
                }
                return killed
            }
            try await run.expectEveryCapHeld(harness, waitingFor: run.pids.dropFirst())
        }
    }

    /// One is stopped (SIGSTOP) for 1.5 s three times, each time longer than its siblings wait
    /// before taking it for dead, wherever it was: mid-round, mid-commit, mid-call. Its siblings
    /// fence it and take its jobs over; when it runs again its calls in flight finish, its
    /// heartbeat expires what it held, and it goes on leasing within the caps.
    @Test func aWorkerStoppedForSecondsAtATimeNeverPutsAProviderOverItsCap() async throws {
        try await JobsHarness.with(defaults: "") { harness in
            let pauses: [Range<Duration>] = [(1_000, 2_500), (3_500, 5_000), (6_000, 7_500)].map {
                Duration.milliseconds($0.0)..<Duration.milliseconds($0.1)
            }
            var stopped = false
            let run = try await ThreeWorkers.run(harness) { pids, elapsed in
                let stop = pauses.contains { $0.contains(elapsed) }
                if stop != stopped {
                    Glibc.kill(pids[0], stop ? SIGSTOP : SIGCONT)
                    stopped = stop
                }
                return !stopped && elapsed >= pauses[pauses.count - 1].upperBound
            }
            try await run.expectEveryCapHeld(harness, waitingFor: run.pids[...])
        }
    }
}

/// Three `JobsCrashWorker` processes on one batch, every provider capped across them.
struct ThreeWorkers {
    static let cap = 2
    static let jobs = 120

    let pids: [pid_t]
    /// The most leases that counted against one provider's cap in any sample.
    let busiest: Int
    /// The leases that counted when a cap was first seen exceeded: provider, status, owner, the
    /// transaction that wrote each (`xmin`: one lease round or several) and its expiry.
    let overCap: String?
    /// How late each worker's heartbeat was seen, at worst (a killed or stopped worker's by design).
    let heartbeatLateMilliseconds: [String: Int64]

    /// Starts the workers and samples the counted leases every 10 ms until the batch is done and
    /// `disturb` (called after every sample with the pids and the time since the start) has said
    /// it is done too. Any worker still stopped by a SIGSTOP is continued before this returns.
    static func run(
        _ harness: JobsHarness, disturb: ([pid_t], Duration) async throws -> Bool
    ) async throws -> ThreeWorkers {
        let worker = try #require(CrashTests.workerPath(), "JobsCrashWorker was not built next to the test binary")
        for provider in ProviderID.allCases {
            try await harness.control(provider, "balance_usd=1000000 balance_usdc=1000000")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["CRASH_DATABASE"] = harness.pool.configuration.connectionString
        environment["CRASH_PRICING_DIR"] = TestDatabase.repositoryRoot + "/pricing"
        environment["CRASH_BASE_URLS"] = harness.simulator.baseURLs.map { "\($0.key.rawValue)=\($0.value)" }.joined(
            separator: ",")
        environment["CRASH_JOBS"] = String(jobs)
        environment["CRASH_USER"] = harness.user
        environment["CRASH_PROVIDERS"] = "venice,nanogpt,openai-videos"
        environment["CRASH_INFLIGHT_MAX"] = String(cap)
        let log = "/tmp/videoledger-instances-\(getpid()).log"
        let pids = try (0..<3).map { _ in try ChildProcess.start(worker, environment: environment, log: log) }
        defer {
            for pid in pids { Glibc.kill(pid, SIGCONT) }
        }
        var busiest = 0
        var overCap: String?
        var heartbeatLate: [String: Int64] = [:]
        let started = ContinuousClock.now
        var disturbed = false
        while ContinuousClock.now - started < .seconds(300) {
            let sample = try await LeaseSample.take(harness.pool)
            let leased = sample.countedByProvider.values.map(\.count).max() ?? 0
            if leased > cap && overCap == nil {
                overCap = sample.countedByProvider.filter { $0.value.count > cap }.map { provider, leases in
                    provider + ": " + leases.joined(separator: ", ")
                }.joined(separator: "; ")
            }
            busiest = max(busiest, leased)
            for (id, age) in sample.heartbeatAgeMilliseconds { heartbeatLate[id] = max(heartbeatLate[id] ?? 0, age) }
            disturbed = try await disturb(pids, ContinuousClock.now - started)
            if disturbed && sample.total == jobs && sample.inFlight == 0 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return ThreeWorkers(pids: pids, busiest: busiest, overCap: overCap, heartbeatLateMilliseconds: heartbeatLate)
    }

    /// Waits for `workers` to exit cleanly, then checks the caps held, every job ended and the
    /// ledger's invariants.
    func expectEveryCapHeld(_ harness: JobsHarness, waitingFor workers: ArraySlice<pid_t>) async throws {
        for pid in workers {
            #expect(try await ChildProcess.wait(pid, timeoutMilliseconds: 300_000) == 0)
        }
        #expect(
            busiest <= Self.cap,
            "at most \(Self.cap) polls of one provider in flight across three instances, saw \(busiest) (heartbeats seen late by at most, in ms: \(heartbeatLateMilliseconds); leases then: \(overCap ?? "-"))"
        )
        #expect(busiest >= 1, "the sampling saw the work")
        #expect(try await harness.count("SELECT count(*) FROM jobs") == Self.jobs)
        #expect(
            try await harness.count("SELECT count(*) FROM jobs WHERE status IN ('submitting', 'queued', 'running')")
                == 0)
        try await harness.expectInvariants()
    }
}

/// One snapshot of what the caps count, read in one transaction.
struct LeaseSample {
    /// Counted leases by provider, each described by status, owner, `xmin` and time to expiry.
    let countedByProvider: [String: [String]]
    let inFlight: Int
    let total: Int
    /// The heartbeat age of every instance that has not stopped.
    let heartbeatAgeMilliseconds: [(String, Int64)]

    /// Leases are judged unexpired against `clock_timestamp()`, read after the snapshot, not
    /// `now()`, read when the statement arrived: on a loaded machine a lease round can read its
    /// clock and commit between those two moments, and a lease it rightly took for expired would
    /// count again in the sample against an earlier now.
    static func take(_ pool: PostgresPool) async throws -> LeaseSample {
        try await pool.transaction(isolation: .repeatableRead) { session in
            let counted = try session.query(
                """
                SELECT j.provider, j.status || ' ' || j.lease_owner || ' xmin=' || j.xmin
                       || ' expires_in_ms=' || round(extract(epoch FROM j.lease_expires_at - clock_timestamp()) * 1000)
                FROM jobs j
                WHERE status IN ('queued', 'running')
                  AND \(InstanceHeartbeat.leaseCounted(now: "clock_timestamp()"))
                """
            ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: String.self)) }
            let inFlight = try session.query(
                "SELECT count(*) FROM jobs WHERE status IN ('submitting', 'queued', 'running')")[0].decode(
                    0, as: Int64.self)
            let total = try session.query("SELECT count(*) FROM jobs")[0].decode(0, as: Int64.self)
            let ages = try session.query(
                """
                SELECT id, (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint FROM instances
                WHERE stopped_at IS NULL
                """
            ).map { (try $0.decode(0, as: String.self), try $0.decode(1, as: Int64.self)) }
            return LeaseSample(
                countedByProvider: Dictionary(grouping: counted, by: \.0).mapValues { $0.map(\.1) },
                inFlight: Int(inFlight), total: Int(total), heartbeatAgeMilliseconds: ages)
        }
    }
}
