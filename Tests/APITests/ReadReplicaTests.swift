import Basics
import Foundation
import Ledger
import Money
import Postgres
import Reports
import TestSupport
import Testing

/// Dashboard reads against a real streaming replica: each test starts its own primary and a
/// standby of it (`pg_basebackup -R`), so pausing or stopping the standby touches nobody else.
/// Waits are bounded (300 s) only so that a broken run ends; nothing here asserts a duration.
@Suite(.serialized) struct ReadReplicaTests {
    static let waitMax: Duration = .seconds(300)

    /// The servers, the pools on them and the REST service reading through the router.
    struct Setup {
        let primary: EmbeddedCluster
        let standby: EmbeddedCluster
        let server: APITestServer
        let router: PostgresReadRouter
        /// The replica pool has one connection, so a query on it runs on the connection that
        /// served the dashboard reads.
        var replicaPool: PostgresPool { router.replica! }

        static func start(lagMaxMilliseconds: Int = 5_000) async throws -> Setup {
            let (primary, standby) = try await TestDatabase.makePrimaryWithStandby()
            let pool = PostgresPool(
                .init(
                    connectionString: primary.connectionString, connectionsMax: 4,
                    acquireTimeoutMilliseconds: TestDatabase.acquireTimeoutMilliseconds,
                    connectTimeoutSeconds: TestDatabase.connectTimeoutSeconds))
            let router = PostgresReadRouter(
                primary: pool,
                replica: PostgresPool(
                    .init(
                        connectionString: standby.connectionString, connectionsMax: 1,
                        acquireTimeoutMilliseconds: 60_000, connectTimeoutSeconds: 5)),
                configuration: .init(
                    replicaLagMaxMilliseconds: lagMaxMilliseconds, lagCheckIntervalMilliseconds: 200,
                    probeTimeoutMilliseconds: 30_000, downBackoffMaxMilliseconds: 1_000))
            let server = try await APITestServer.start(database: pool, reads: router)
            return Setup(primary: primary, standby: standby, server: server, router: router)
        }

        func stop() async {
            await server.stop()
            await router.close()
        }

        /// A user with funds and `jobs` settled jobs of 1.000000 each, written on the primary.
        func seedUser(_ user: String, jobs: Int) async throws {
            _ = try await server.request(.put, "/v1/users/\(user)", body: "{}")
            _ = try await Ledger(pool: server.pool).topUp(
                key: "fund-\(user)", userID: user, amount: Money(micros: 1_000_000_000, currency: .usd))
            for index in 0..<jobs { try await settle(user, key: "\(user)-\(index)") }
        }

        func settle(_ user: String, key: String) async throws {
            _ = try await settleJob(
                server.pool, user: user, provider: "aimo", family: "veo-3.1-fast", quoted: 1_000_000,
                actual: 1_000_000, key: key)
        }

        /// Waits until the standby has replayed everything the primary has written so far.
        func waitForReplay() async throws {
            let target = try await server.pool.withSession { session in
                try session.query("SELECT pg_current_wal_lsn()::text")[0].decode(0, as: String.self)
            }
            try await waitUntil("the standby replays \(target)") {
                try await replicaPool.withSession { session in
                    try session.query("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", [target])[0].decode(
                        0, as: Bool.self)
                }
            }
        }

        /// `GET path` with a read token: status, JSON, and the `VideoLedger-Read-Source` header.
        func read(_ path: String) async throws -> (status: Int, json: [String: Any], source: String?) {
            let answer = try await server.requestWithHeaders(.get, path, token: .read)
            return (answer.status, answer.json, answer.response.header("VideoLedger-Read-Source"))
        }

        /// The spend total of a user (USD) and who answered.
        func spend(_ user: String) async throws -> (spent: String?, source: String?) {
            let answer = try await read("/v1/users/\(user)/spend")
            #expect(answer.status == 200)
            let totals = answer.json["totals"] as? [[String: Any]] ?? []
            return (totals.first?["spent"] as? String, answer.source)
        }

        /// Whether the connection of the replica pool (the one that served) is a standby.
        func replicaConnectionIsInRecovery() async throws -> Bool {
            #expect(replicaPool.usage.opened == 1)
            return try await replicaPool.withSession { session in
                try session.query("SELECT pg_is_in_recovery()")[0].decode(0, as: Bool.self)
            }
        }
    }

    static func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + waitMax
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("gave up waiting: \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Spend, job lists, provider health and a reconciliation are answered by the standby
    /// (the header says so, and the connection that answered is in recovery), with the
    /// primary's data; a job's detail stays on the primary; a user created a moment ago is
    /// never denied by a replica that has not seen it yet.
    @Test func dashboardReadsAreServedByTheReplica() async throws {
        let setup = try await Setup.start()
        defer { Task { await setup.stop() } }
        try await setup.seedUser("ana", jobs: 3)
        let reconciliation = try await setup.server.request(
            .post, "/v1/reconciliations", body: "{}", headers: [.init("Idempotency-Key", "replica-recon-1")])
        #expect(reconciliation.status == 201, "\(reconciliation.body)")
        let reconciliationID = try #require(reconciliation.json["id"] as? String)
        try await setup.waitForReplay()

        let spend = try await setup.spend("ana")
        #expect(spend.source == "replica")
        #expect(spend.spent == "3.000000")
        let jobs = try await setup.read("/v1/jobs?user_id=ana")
        #expect(jobs.status == 200)
        #expect(jobs.source == "replica")
        let listed = try #require(jobs.json["jobs"] as? [[String: Any]])
        #expect(listed.count == 3)
        let providers = try await setup.read("/v1/providers")
        #expect(providers.status == 200)
        #expect(providers.source == "replica")
        let report = try await setup.read("/v1/reconciliations/\(reconciliationID)")
        #expect(report.status == 200)
        #expect(report.source == "replica")
        #expect(try await setup.replicaConnectionIsInRecovery())

        // A job's detail is a read-your-own-write path: the primary, without the header.
        let jobID = try #require(listed.first?["id"] as? String)
        let detail = try await setup.read("/v1/jobs/\(jobID)")
        #expect(detail.status == 200)
        #expect(detail.source == nil)

        // With replay paused, a user made now exists only on the primary: the replica's "not
        // found" is asked again of the primary, which answers.
        try await setup.replicaPool.withSession { session in try session.execute("SELECT pg_wal_replay_pause()") }
        _ = try await setup.server.request(.put, "/v1/users/bo", body: "{}")
        let fresh = try await setup.read("/v1/users/bo/spend")
        #expect(fresh.status == 200)
        #expect(fresh.source == "primary")
        try await setup.replicaPool.withSession { session in try session.execute("SELECT pg_wal_replay_resume()") }
    }

    /// With replay paused and the primary moving on, the replica's staleness bound grows past
    /// the limit and reads go to the primary (which shows the new spend); answers labelled
    /// `replica` meanwhile show the data as it was. After replay resumes, reads return to it.
    @Test func replicaLagAboveTheBoundSendsReadsToThePrimary() async throws {
        let setup = try await Setup.start(lagMaxMilliseconds: 1_000)
        defer { Task { await setup.stop() } }
        try await setup.seedUser("cy", jobs: 2)
        try await setup.waitForReplay()
        try await Self.waitUntil("reads served by the replica") { try await setup.spend("cy").source == "replica" }

        try await setup.replicaPool.withSession { session in try session.execute("SELECT pg_wal_replay_pause()") }
        try await setup.settle("cy", key: "cy-after-pause")
        var primaryAnswer: String?
        try await Self.waitUntil("reads served by the primary") {
            let answer = try await setup.spend("cy")
            if answer.source == "replica" {
                #expect(answer.spent == "2.000000")
                return false
            }
            #expect(answer.source == "primary")
            primaryAnswer = answer.spent
            return true
        }
        #expect(primaryAnswer == "3.000000")
        let decision = await setup.router.currentDecision()
        #expect(!decision.usesReplicaPool)
        if let bound = decision.stalenessBound { #expect(bound > .milliseconds(1_000 - 200)) }

        try await setup.replicaPool.withSession { session in try session.execute("SELECT pg_wal_replay_resume()") }
        try await Self.waitUntil("reads back on the replica") {
            let answer = try await setup.spend("cy")
            return answer.source == "replica" && answer.spent == "3.000000"
        }
    }

    /// A stopped replica fails no dashboard read: the read that finds its connection broken
    /// runs again on the primary, the next ones go there directly, and once the replica is
    /// back reads return to it.
    @Test func readsFallBackToThePrimaryWhenTheReplicaStops() async throws {
        let setup = try await Setup.start()
        defer { Task { await setup.stop() } }
        try await setup.seedUser("dee", jobs: 4)
        try await setup.waitForReplay()
        try await Self.waitUntil("reads served by the replica") { try await setup.spend("dee").source == "replica" }

        try await TestDatabase.runBlocking { try setup.standby.stop() }
        for _ in 0..<5 {
            let answer = try await setup.spend("dee")
            #expect(answer.source == "primary")
            #expect(answer.spent == "4.000000")
            let jobs = try await setup.read("/v1/jobs?user_id=dee")
            #expect(jobs.status == 200)
            #expect(jobs.source == "primary")
        }
        #expect(!(await setup.router.currentDecision()).usesReplicaPool)

        try await TestDatabase.runBlocking { try setup.standby.startStandby(of: setup.primary) }
        try await Self.waitUntil("reads back on the replica") { try await setup.spend("dee").source == "replica" }
        #expect(try await setup.replicaConnectionIsInRecovery())
    }

    /// `report` through the router gives byte-identical files to a run on the primary alone,
    /// and misses nothing: with replay paused after a settlement, the run waits for the
    /// replica to catch up (at most the lag limit), then reads the primary instead.
    @Test func reportsReadFromACaughtUpReplicaAndMissNothing() async throws {
        let setup = try await Setup.start(lagMaxMilliseconds: 2_000)
        defer { Task { await setup.stop() } }
        try await setup.seedUser("eve", jobs: 2)
        try await setup.waitForReplay()
        let definitions = TestDatabase.repositoryRoot + "/reports"
        let viaRouter = ReportRunner(pool: setup.server.pool, definitionsDirectory: definitions, reads: setup.router)
        let primaryOnly = ReportRunner(pool: setup.server.pool, definitionsDirectory: definitions)
        let folder = NSTemporaryDirectory() + "videoledger-replica-report-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let today = CalendarDay.today()
        func spendReport(_ runner: ReportRunner, _ name: String) async throws -> [String] {
            let request = try SpendReportRequest(
                userID: "eve", from: today.adding(days: -1)!, to: today, outputDirectory: folder + "/" + name)
            return try await runner.spend(request).files.map(\.sha256)
        }
        let first = try await spendReport(viaRouter, "a")
        #expect(first == (try await spendReport(primaryOnly, "b")))

        try await setup.replicaPool.withSession { session in try session.execute("SELECT pg_wal_replay_pause()") }
        try await setup.settle("eve", key: "eve-late")
        let late = try await spendReport(viaRouter, "c")
        #expect(late == (try await spendReport(primaryOnly, "d")))
        #expect(late != first)
        try await setup.replicaPool.withSession { session in try session.execute("SELECT pg_wal_replay_resume()") }
    }
}
