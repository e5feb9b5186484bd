import Foundation
import Jobs
import Postgres
import TestSupport
import Testing

/// How many transactions the normal job path commits, counted by the pool
/// (`PostgresPool.commits`) rather than timed: a commit is a WAL flush and, for a settlement, the
/// end of a lock on the user's accounts, so a path that quietly grows a commit per job (a
/// read-back after the write, a lease per provider, an extra status write) slows every job.
@Suite(.serialized) struct CommitCountTests {
    static let jobsCount = 8
    static let polled = ["aimo", "openai-videos", "venice", "nanogpt"]

    /// Submit: the row and its hold (committed before the provider call), then the provider's
    /// answer: two. Poll: one lease transaction for every due job of every provider, then one
    /// settlement (capture and final status together) per job. Three per job, plus a lease per
    /// round.
    @Test func normalPathCommitsThreeTimesPerJobAndOneLeasePerRound() async throws {
        try await JobsHarness.with(defaults: "complete_after_ms=0") { harness in
            let specs = Specs.all()
            let start = harness.pool.commits.committed
            var ids: [UUID] = []
            for index in 0..<Self.jobsCount {
                let provider = Self.polled[index % Self.polled.count]
                let spec = try #require(specs.first { $0.0 == provider }?.1)
                let outcome = try await harness.submit(spec, provider: provider, key: "commits-\(index)")
                #expect(outcome.job.status == .queued && outcome.job.transfers.map(\.kind) == ["hold"])
                ids.append(outcome.job.id)
            }
            let submitted = harness.pool.commits.committed
            #expect(submitted - start == 2 * Self.jobsCount, "submit commits: \(submitted - start)")

            // Every job is due once its first poll interval (40 ms) has passed.
            try await Task.sleep(for: .milliseconds(400))
            let round = await harness.poller().pollOnce()
            #expect(round.leased == Self.jobsCount && round.completed == Self.jobsCount, "\(round)")
            let settled = harness.pool.commits.committed
            #expect(settled - submitted == Self.jobsCount + 1, "poll commits: \(settled - submitted)")

            let jobs = try await harness.settle(ids)
            #expect(jobs.allSatisfy { $0.status == .completed })
            #expect(jobs.allSatisfy { $0.transfers.map(\.kind).first == "hold" && $0.transfers.count >= 2 })
            try await harness.expectInvariants()
        }
    }

    /// A retry with the same key answers the first job and writes nothing: one transaction (the
    /// insert finds the row and rolls nothing forward), no hold, no provider call.
    @Test func replayCommitsOnceAndWritesNothing() async throws {
        try await JobsHarness.with { harness in
            let first = try await harness.submit(Specs.venice(), provider: "venice", key: "replay-commits")
            let before = harness.pool.commits.committed
            let again = try await harness.submit(Specs.venice(), provider: "venice", key: "replay-commits")
            #expect(again.replayed && again.job.id == first.job.id)
            #expect(harness.pool.commits.committed - before == 1)
            #expect(try await harness.count("SELECT count(*)::bigint FROM holds") == 1)
        }
    }

    /// Concurrent polls that only reschedule share their commits (`PostgresGroupCommit`): never
    /// more than one per poll, and the lease is one transaction for the round.
    @Test func reschedulesShareCommits() async throws {
        try await JobsHarness.with(defaults: "complete_after_ms=600000") { harness in
            let specs = Specs.all()
            for index in 0..<Self.jobsCount {
                let provider = Self.polled[index % Self.polled.count]
                let spec = try #require(specs.first { $0.0 == provider }?.1)
                _ = try await harness.submit(spec, provider: provider, key: "running-\(index)")
            }
            try await Task.sleep(for: .milliseconds(400))
            let before = harness.pool.commits.committed
            let round = await harness.poller().pollOnce()
            #expect(round.leased == Self.jobsCount && round.progressed == Self.jobsCount, "\(round)")
            let commits = harness.pool.commits.committed - before
            #expect(commits >= 2 && commits <= Self.jobsCount + 1, "commits: \(commits)")
        }
    }
}
