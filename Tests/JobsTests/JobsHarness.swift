import Foundation
import HTTPClient
import Jobs
import Ledger
import Logging
import Money
import Postgres
import Pricing
import ProviderRegistry
import ProviderSimulator
import Providers
import Reconciliation
import Synchronization
import TestSupport
import Testing

/// A fresh database, a running simulator, adapters over real loopback HTTP, a funded user, and
/// a job service and pollers configured for fast tests.
struct JobsHarness {
    let pool: PostgresPool
    let simulator: RunningSimulator
    /// The adapters' client (its deadline cap is what some tests are about).
    let client: CurlHTTPClient
    /// The test's own client for the simulator's control routes: never capped by a test's short
    /// deadline, so a loaded machine cannot fail a control call the test does not examine.
    let controlClient: CurlHTTPClient
    let catalog: PriceCatalog
    let adapters: [ProviderID: any ProviderAdapter]
    let configuration: JobsConfiguration
    let service: JobService
    let user = "alice"
    let logger: Logger

    static let catalog: PriceCatalog = {
        do {
            return try PriceCatalog.load(directory: TestDatabase.repositoryRoot + "/pricing")
        } catch {
            fatalError("price books do not load: \(error)")
        }
    }()

    /// Short intervals and leases, so scenarios finish in a second or two.
    static func fastConfiguration() -> JobsConfiguration {
        JobsConfiguration(
            leaseMilliseconds: 2_000, submitLeaseMilliseconds: 3_000, synchronousLeaseMilliseconds: 10_000,
            pollIntervalMillisecondsMin: 40, pollIntervalMillisecondsMax: 400, errorBackoffMillisecondsBase: 40,
            stallAfterMilliseconds: 5_000, stalledPollIntervalMilliseconds: 400, idleTickMilliseconds: 20,
            shutdownGraceMilliseconds: 2_000, heartbeatIntervalMilliseconds: 50, heartbeatDeadAfterMilliseconds: 500)
    }

    @discardableResult
    static func with<T>(
        defaults: String = "complete_after_ms=300", configuration: JobsConfiguration = fastConfiguration(),
        requestTimeoutMillisecondsMax: Int = 300_000, funds: Int64 = 1_000_000_000,
        _ body: (JobsHarness) async throws -> T
    ) async throws -> T {
        var simulatorConfiguration = SimulatorConfiguration.ephemeralPorts()
        simulatorConfiguration.defaults = defaults
        let simulator = try await ProviderSimulator.start(simulatorConfiguration)
        var httpConfiguration = CurlHTTPClient.Configuration()
        httpConfiguration.timeoutMillisecondsMax = requestTimeoutMillisecondsMax
        let client = try CurlHTTPClient(configuration: httpConfiguration)
        let logger = Logger(label: "jobs-test")
        let urls = Dictionary(uniqueKeysWithValues: simulator.baseURLs.map { ($0.key.rawValue, $0.value) })
        let adapters = try ProviderAdapters.simulator(baseURLs: urls, client: client, logger: logger)
        let pool = try await TestDatabase.makePool(connectionsMax: 16)
        try await Ledger(pool: pool).createUser("alice")
        try await Ledger(pool: pool).topUp(
            key: "fund-alice", userID: "alice", amount: Money(micros: funds, currency: .usd))
        let service = JobService(
            pool: pool, catalog: catalog, adapters: adapters, configuration: configuration, logger: logger)
        let harness = JobsHarness(
            pool: pool, simulator: simulator, client: client, controlClient: try CurlHTTPClient(), catalog: catalog,
            adapters: adapters, configuration: configuration,
            service: service, logger: logger)
        do {
            let result = try await body(harness)
            await harness.close()
            return result
        } catch {
            await harness.close()
            throw error
        }
    }

    func close() async {
        await simulator.stop()
        await client.shutdown()
        await controlClient.shutdown()
        await pool.close()
    }

    /// A poller on the harness's pool, or on `pool` when given (a test that needs to know which
    /// connections its statements were prepared on).
    func poller(
        _ name: String = "poller-1", configuration: JobsConfiguration? = nil, clock: JobClock = .system,
        pool: PostgresPool? = nil
    ) -> Poller {
        Poller(
            pool: pool ?? self.pool, catalog: catalog, adapters: adapters,
            configuration: configuration ?? self.configuration,
            logger: logger,
            instanceID: name, clock: clock)
    }

    func reconciler(configuration: JobsConfiguration? = nil, clock: JobClock = .system) -> Reconciler {
        Reconciler(
            pool: pool, catalog: catalog, adapters: adapters, configuration: configuration ?? self.configuration,
            logger: logger,
            clock: clock)
    }

    /// Polls with `poller` until every job in `ids` ended (or `until` holds for each), or
    /// `timeoutMilliseconds` passed: a bound for a broken run, not a timing the test relies on.
    func settle(
        _ ids: [UUID], poller: Poller? = nil, timeoutMilliseconds: Int = 300_000,
        until done: (JobRecord) -> Bool = { $0.status.isTerminal }
    ) async throws -> [JobRecord] {
        let poller = poller ?? self.poller()
        let deadline = ContinuousClock.now + .milliseconds(timeoutMilliseconds)
        while true {
            var jobs: [JobRecord] = []
            for id in ids { jobs.append(try #require(try await service.job(id: id))) }
            if jobs.allSatisfy(done) || ContinuousClock.now > deadline { return jobs }
            _ = await poller.pollOnce()
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func submit(
        _ spec: JobSpec, provider: String, key: String? = nil, providerJobID: String? = nil
    ) async throws -> JobOutcome {
        try await service.submit(
            JobRequest(userID: user, idempotencyKey: key, spec: spec, provider: provider, providerJobID: providerJobID))
    }

    /// `POST /_sim/scenario` on one provider.
    func control(_ provider: ProviderID, _ pairs: String) async throws {
        let url = try #require(simulator.controlURL(provider)) + "/scenario"
        let response = try await controlClient.execute(
            HTTPRequest(method: .post, url: url, body: Array(pairs.utf8), timeoutMilliseconds: 300_000))
        #expect(response.status == 200)
    }

    /// The simulator's job count and balances for one provider.
    func simulatorState(_ provider: ProviderID) async throws -> (jobs: Int, balances: [String: String]) {
        let url = try #require(simulator.controlURL(provider)) + "/state"
        let response = try await controlClient.execute(
            HTTPRequest(method: .get, url: url, timeoutMilliseconds: 300_000))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return (object["jobs"] as? Int ?? -1, object["balances"] as? [String: String] ?? [:])
    }

    func balance() async throws -> Balance {
        try await Ledger(pool: pool).balance(userID: user, currency: .usd)
    }

    func expectInvariants(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let violations = try await ledgerInvariantViolations(pool, adding: JobInvariants.checks)
        #expect(violations.isEmpty, "\(violations)", sourceLocation: sourceLocation)
    }

    func count(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) async throws -> Int {
        try await pool.withSession { session in try session.query(sql, parameters)[0].decode(0) }
    }
}

/// A clock the test moves by hand: hours of a provider's silence pass in one statement.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(milliseconds: Int) {
        current.withLock { $0 = $0.addingTimeInterval(Double(milliseconds) / 1_000) }
    }

    func set(_ date: Date) { current.withLock { $0 = max($0, date) } }

    var jobClock: JobClock { JobClock { self.now } }
}

/// Specs that every provider's book prices (720p, silent), one per provider.
enum Specs {
    static func prompt(_ scenario: String) -> String { "a lighthouse at dusk sim: \(scenario)" }

    static func aimo(_ scenario: String = "") -> JobSpec {
        JobSpec(family: "veo-3.1-fast", duration: 8, resolution: "720p", prompt: prompt(scenario))
    }
    static func gateway(_ scenario: String = "") -> JobSpec {
        JobSpec(family: "veo-3.1-fast", duration: 8, resolution: "720p", prompt: prompt(scenario))
    }
    static func venice(_ scenario: String = "") -> JobSpec {
        JobSpec(family: "wan-2.7", duration: 5, resolution: "720p", prompt: prompt(scenario))
    }
    static func nanoGPT(_ scenario: String = "") -> JobSpec {
        JobSpec(family: "veo-2", duration: 5, resolution: "720p", aspectRatio: "16:9", prompt: prompt(scenario))
    }
    static func aigate(_ scenario: String = "") -> JobSpec {
        JobSpec(family: "kling-v3-std", duration: 5, resolution: "720p", prompt: prompt(scenario))
    }

    /// (provider, spec) for each of the five.
    static func all(_ scenario: String = "") -> [(String, JobSpec)] {
        [
            ("aimo", aimo(scenario)), ("openai-videos", gateway(scenario)), ("venice", venice(scenario)),
            ("nanogpt", nanoGPT(scenario)), ("aigate", aigate(scenario)),
        ]
    }
}
