import Basics
import Foundation
import HTTPClient
import Jobs
import Ledger
import Money
import Postgres
import ProviderRegistry
import ProviderSimulator
import Providers
import TestSupport
import Testing

/// Twenty stops of the service while it carries 500 jobs across all five providers, SIGKILL and
/// SIGTERM mixed, then a last run left to finish. Every job must end either settled in agreement
/// with the simulator's own charge record or held and flagged: none released while the provider
/// kept the money, none charged when the provider took nothing, none sent twice, and for the user
/// available + held + spent equals what was credited. The victim is a real process
/// (`JobsCrashWorker`, built with the tests).
@Suite(.serialized) struct CrashTests {
    static let jobs = 500
    static let stops = 20

    @Test func twentyStopsKillAndTermMixedOver500JobsLoseNoMoney() async throws {
        let worker = try #require(Self.workerPath(), "JobsCrashWorker was not built next to the test binary")
        try await JobsHarness.with(defaults: "", funds: 10_000_000_000) { harness in
            // Each provider charges what the price book says for the worker's job, so balance
            // evidence can tell a charged job from one that was not.
            let bookRates: [ProviderID: String] = [
                .aimo: "0.10", .openAIVideos: "0.10", .venice: "0.11", .nanoGPT: "0.50", .aigate: "0.084",
            ]
            for provider in ProviderID.allCases {
                try await harness.control(
                    provider,
                    "balance_usd=1000000 balance_usdc=1000000 balance_xno=1000000 rate_per_second=\(bookRates[provider] ?? "0.10")"
                )
            }
            var environment = ProcessInfo.processInfo.environment
            environment["CRASH_DATABASE"] = harness.pool.configuration.connectionString
            environment["CRASH_PRICING_DIR"] = TestDatabase.repositoryRoot + "/pricing"
            environment["CRASH_BASE_URLS"] = harness.simulator.baseURLs.map { "\($0.key.rawValue)=\($0.value)" }.joined(
                separator: ",")
            environment["CRASH_JOBS"] = String(Self.jobs)
            environment["CRASH_USER"] = harness.user
            environment["CRASH_SUBMITS_PER_SECOND"] = "20"  // 500 new jobs take 25 s: about as long as 20 stops
            let log = "/tmp/videoledger-crash-worker-\(getpid()).log"
            _ = try await harness.reconciler().run(from: Date().addingTimeInterval(-60), to: Date())  // balances before
            var killedMidWork = 0
            for stop in 0..<Self.stops {
                let pid = try ChildProcess.start(worker, environment: environment, log: log)
                try await Task.sleep(for: .milliseconds(Int.random(in: 300...2_500)))
                if stop % 2 == 0 {
                    killedMidWork += try await ChildProcess.kill(pid) != 0 ? 1 : 0
                } else {
                    // SIGTERM drains: polls and AIGate renders in flight finish, then exit 0.
                    let status = try await ChildProcess.terminate(pid, timeoutMilliseconds: 120_000)
                    // A worker signalled before its very first line ran dies of the signal itself:
                    // it had started nothing, so that is as safe as a drain.
                    #expect(status == 0 || status == SIGTERM, "a drained worker exits 0 (status \(status))")
                }
            }
            let drained =
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").components(separatedBy: "DRAINED").count - 1
            // Late stops may find the work done; most must interrupt it, or the test lost its point.
            #expect(
                killedMidWork + drained >= Self.stops * 3 / 4,
                "only \(killedMidWork + drained) of \(Self.stops) stops interrupted work")
            let pid = try ChildProcess.start(worker, environment: environment, log: log)
            let status = try await ChildProcess.wait(pid, timeoutMilliseconds: 300_000)
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            let stuck = try await harness.pool.withSession { session in
                try session.query(
                    """
                    SELECT provider || ' ' || status || ' owner=' || coalesce(lease_owner, '-') || ' lease=' || coalesce(lease_expires_at::text, '-')
                           || ' next=' || coalesce(next_poll_at::text, '-') || ' now=' || now()::text || ' err=' || coalesce(last_error, '-')
                           || ' attempts=' || poll_attempts
                    FROM jobs WHERE status IN ('submitting', 'queued', 'running') LIMIT 5
                    """
                ).map { try $0.decode(0, as: String.self) }
            }
            #expect(status == 0, "final worker run failed: \(output.suffix(2_000)) stuck: \(stuck)")

            let record = try await SimulatorChargeRecord.settled(harness)
            let report = try await harness.reconciler().run(from: Date().addingTimeInterval(-3_600), to: Date())
            let flagged = Set(
                report.findings.filter { ["unknown_job", "stalled_job"].contains($0.kind) }.compactMap(\.jobID))
            let jobs = try await harness.pool.withSession { session in
                try session.query("SELECT id, idempotency_key, provider, provider_job_id, status FROM jobs").map {
                    (
                        id: try $0.decode(0, as: UUID.self), key: try $0.decode(1, as: String.self),
                        provider: try $0.decode(2, as: String.self),
                        providerJobID: try $0.decodeIfPresent(3, as: String.self),
                        status: try $0.decode(4, as: String.self)
                    )
                }
            }
            #expect(jobs.count == Self.jobs && Set(jobs.map(\.key)).count == Self.jobs)
            var tally: [String: Int] = [:]
            for job in jobs {
                let sent = record.jobs(for: job)
                #expect(sent.count <= 1, "job \(job.key) was sent \(sent.count) times")
                let kept = sent.first?.keptMicros ?? 0
                tally[job.status, default: 0] += 1
                switch job.status {
                case "completed":
                    #expect(kept > 0, "\(job.provider) \(job.key) charged the user, but the provider kept nothing")
                case "failed", "cancelled", "expired":
                    #expect(
                        kept == 0, "\(job.provider) \(job.key) released while the provider kept \(kept) micro-units")
                case "unknown", "stalled":
                    #expect(flagged.contains(job.id), "\(job.key) is held but not flagged")
                default:
                    Issue.record("\(job.key) still in flight: \(job.status)")
                }
            }
            #expect(
                record.unmatched(by: jobs).isEmpty,
                "the provider has jobs we never wrote: \(record.unmatched(by: jobs))")
            #expect(try await Self.userMoneyAddsUp(harness), "available + held + spent must equal what was credited")
            #expect(!report.findings.contains { $0.kind == "invariant_violation" })
            try await harness.expectInvariants()
            print(
                "crash test: \(Self.stops) stops (\(killedMidWork) SIGKILLs and \(drained) SIGTERM drains mid-work), \(Self.jobs) jobs: \(tally.sorted { $0.key < $1.key })"
            )
        }
    }

    /// available + held + spent (captured plus excess) = credited, for the test's user.
    static func userMoneyAddsUp(_ harness: JobsHarness) async throws -> Bool {
        try await harness.pool.withSession { session in
            try session.query(
                """
                SELECT (SELECT coalesce(sum(balance_micros), 0) FROM accounts WHERE user_id = $1 AND currency = 'USD')
                     + (SELECT coalesce(sum(captured_micros + excess_micros), 0) FROM holds WHERE user_id = $1 AND currency = 'USD')
                     = (SELECT coalesce(sum(amount_micros), 0) FROM transfers WHERE user_id = $1 AND kind = 'top_up' AND currency = 'USD')
                """, [harness.user])[0].decode(0, as: Bool.self)
        }
    }

    /// `JobsCrashWorker` beside the test binary (`.build/<triple>/debug/`), else in `.build/debug`.
    static func workerPath() -> String? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "JobsCrashWorker"
        ).path
        let fallback = TestDatabase.repositoryRoot + "/.build/debug/JobsCrashWorker"
        return [beside, fallback].first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// The simulator's own record of what each provider kept for each job it accepted.
struct SimulatorChargeRecord {
    struct Charge {
        let provider: String
        let id: String
        let reference: String
        let keptMicros: Int64
    }

    let charges: [Charge]

    /// Reads every provider's record once every accepted job has settled (bounded wait).
    static func settled(_ harness: JobsHarness) async throws -> SimulatorChargeRecord {
        let deadline = ContinuousClock.now + .seconds(300)
        while true {
            var charges: [Charge] = []
            var unsettled = 0
            for provider in ProviderID.allCases {
                let url = try #require(harness.simulator.controlURL(provider)) + "/charges"
                let response = try await harness.controlClient.execute(
                    HTTPRequest(method: .get, url: url, timeoutMilliseconds: 300_000))
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
                for job in body["jobs"] as? [[String: Any]] ?? [] {
                    if job["settled"] as? Bool != true { unsettled += 1 }
                    let kept = try DecimalAmount.micros(from: job["kept"] as? String ?? "")
                    charges.append(
                        Charge(
                            provider: provider.rawValue, id: job["id"] as? String ?? "",
                            reference: job["reference"] as? String ?? "",
                            keptMicros: kept))
                }
            }
            if unsettled == 0 || ContinuousClock.now > deadline { return SimulatorChargeRecord(charges: charges) }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The provider's jobs that belong to one of ours: by provider job id, by our job id (AIGate's
    /// `user`), or by the worker's prompt (`crash <index> …`, the index in our key `crash-<index>`).
    func jobs(for job: (id: UUID, key: String, provider: String, providerJobID: String?, status: String)) -> [Charge] {
        charges.filter { charge in
            guard charge.provider == job.provider else { return false }
            if let providerJobID = job.providerJobID, charge.id == providerJobID { return true }
            return charge.reference == job.id.uuidString.lowercased() || Self.key(of: charge.reference) == job.key
        }
    }

    /// Provider jobs that match none of ours.
    func unmatched(by jobs: [(id: UUID, key: String, provider: String, providerJobID: String?, status: String)])
        -> [String]
    {
        let ids = Set(jobs.compactMap(\.providerJobID))
        let references = Set(jobs.map { $0.id.uuidString.lowercased() })
        let keys = Set(jobs.map(\.key))
        return charges.filter {
            !ids.contains($0.id) && !references.contains($0.reference)
                && !keys.contains(Self.key(of: $0.reference) ?? "")
        }
        .map { "\($0.provider) \($0.id)" }
    }

    static func key(of reference: String) -> String? {
        let words = reference.split(separator: " ")
        guard words.count >= 2, words[0] == "crash", let index = Int(words[1]) else { return nil }
        return "crash-\(index)"
    }
}
