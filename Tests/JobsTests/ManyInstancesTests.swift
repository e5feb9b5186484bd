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

    /// A round leases no more than its limit while other transactions lock and unlock the due
    /// rows around it: a row skipped as locked is not picked up again by the same statement.
    ///
    /// The poller's statements are prepared on one connection while `jobs` is still empty, as
    /// in a service started on a new database: the plan PostgreSQL then caches for the lease
    /// statement is the one it picks for a table it takes for empty.
    @Test func aRoundTakesNoMoreThanItsLimitWhileRowsAreLockedAroundIt() async throws {
        try await JobsHarness.with(defaults: "complete_after_ms=600000", configuration: Self.stepwise) { harness in
            let connection = PostgresPool(
                .init(connectionString: harness.pool.configuration.connectionString, connectionsMax: 1))
            let poller = harness.poller("rounds", pool: connection)
            await poller.heartbeat.beat()
            for _ in 0..<10 { #expect(await poller.leaseDue(.venice).isEmpty) }
            for index in 0..<60 { _ = try await harness.submit(Specs.venice("n=\(index)"), provider: "venice") }
            let locker = PostgresConnection(connectionString: harness.pool.configuration.connectionString)
            let locking = Task {
                while !Task.isCancelled {
                    try await locker.withSession { session in
                        try session.transaction { session in
                            _ = try session.query(
                                """
                                SELECT id FROM jobs WHERE provider = 'venice'
                                ORDER BY next_poll_at, id LIMIT 3 OFFSET (random() * 3)::int FOR UPDATE
                                """)
                        }
                    }
                }
            }
            var largest = 0
            for _ in 0..<150 {
                // Every job due again, in the order they were submitted; rows are locked in the
                // locker's order first, so the two cannot deadlock.
                _ = try await harness.pool.transaction { session in
                    _ = try session.query("SELECT id FROM jobs ORDER BY next_poll_at, id FOR UPDATE")
                    try session.execute(
                        """
                        UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL,
                               next_poll_at = created_at - interval '1 hour'
                        """)
                }
                largest = max(largest, await poller.leaseDue(.venice).count)
            }
            locking.cancel()
            _ = try? await locking.value
            await locker.close()
            await connection.close()
            #expect(largest == 2, "a round of a provider capped at 2 leased \(largest)")
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
}
