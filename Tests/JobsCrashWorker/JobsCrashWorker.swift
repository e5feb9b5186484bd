// The process JobsTests' fault tests stop with SIGKILL and SIGTERM: it submits a fixed batch of
// jobs (keys `crash-<i>`, so a restart replays what was already written) and polls until none
// is in flight, through the same Jobs API `videoledger serve` runs, heartbeating as serve does.
// SIGTERM drains as serve does: submits stop, polls and synchronous (AIGate) calls in flight
// finish, leases are released; then it prints DRAINED and exits 0.
//
// Configured by environment variables: CRASH_DATABASE, CRASH_PRICING_DIR, CRASH_BASE_URLS
// ("venice=http://…,nanogpt=…"), CRASH_JOBS, CRASH_USER, CRASH_PROVIDERS (comma-separated; the
// job mix cycles through them, default all five), CRASH_SCENARIO (extra `sim:` pairs for every
// job's prompt), CRASH_INSTANCE (the instance id, default a fresh one), CRASH_SUBMITS_PER_SECOND
// (pace of new submits, default unpaced), CRASH_INFLIGHT_MAX (every provider's cap on calls in
// flight, across all instances).
import Dispatch
import Foundation
import HTTPClient
import Jobs
import Logging
import Postgres
import Pricing
import ProviderRegistry
import Providers
import Synchronization

@main
struct JobsCrashWorker {
    static func main() async {
        do {
            say(try await run() ? "DRAINED" : "DONE")
        } catch {
            say("FAILED: \(error)")
            exit(1)
        }
    }

    /// The limits of a worker: short leases and a heartbeat the tests can outwait quickly.
    static let configuration = JobsConfiguration(
        leaseMilliseconds: 1_500, submitLeaseMilliseconds: 2_000, synchronousLeaseMilliseconds: 60_000,
        pollIntervalMillisecondsMin: 50, pollIntervalMillisecondsMax: 300, errorBackoffMillisecondsBase: 50,
        stallAfterMilliseconds: 2_000, stalledPollIntervalMilliseconds: 300, idleTickMilliseconds: 20,
        shutdownGraceMilliseconds: 2_000,
        synchronousDrainMilliseconds: 60_000, heartbeatIntervalMilliseconds: 100, heartbeatDeadAfterMilliseconds: 1_000)

    /// Returns true when it stopped on SIGTERM.
    static func run() async throws -> Bool {
        // First of all, so a SIGTERM during start-up drains too (nothing is in flight yet then).
        let stop = StopSignal()
        let terminated = Self.onSIGTERM { stop.stop() }
        let environment = ProcessInfo.processInfo.environment
        guard let database = environment["CRASH_DATABASE"], let pricing = environment["CRASH_PRICING_DIR"],
            let urlList = environment["CRASH_BASE_URLS"], let count = environment["CRASH_JOBS"].flatMap(Int.init),
            let user = environment["CRASH_USER"]
        else { throw CocoaError(.featureUnsupported) }
        var baseURLs: [String: String] = [:]
        for pair in urlList.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { baseURLs[parts[0]] = parts[1] }
        }
        let providers =
            environment["CRASH_PROVIDERS"].map { $0.split(separator: ",").map(String.init) } ?? Self.providers
        let scenario = environment["CRASH_SCENARIO"] ?? ""
        var logger = Logger(label: "crash-worker")
        logger.logLevel = .warning
        let catalog = try PriceCatalog.load(directory: pricing)
        let pool = PostgresPool(.init(connectionString: database, connectionsMax: 12))
        let client = try CurlHTTPClient(configuration: ProviderAdapters.httpConfiguration())
        let adapters = try ProviderAdapters.simulator(baseURLs: baseURLs, client: client, logger: logger)
        let instanceID = environment["CRASH_INSTANCE"] ?? JobService.makeInstanceID()
        var configuration = Self.configuration
        if let cap = environment["CRASH_INFLIGHT_MAX"].flatMap(Int.init) {
            configuration.inFlightMaxPerProvider = Dictionary(
                uniqueKeysWithValues: ProviderID.allCases.map { ($0, cap) })
        }
        let service = JobService(
            pool: pool, catalog: catalog, adapters: adapters, configuration: configuration, logger: logger,
            instanceID: instanceID)
        let poller = Poller(
            pool: pool, catalog: catalog, adapters: adapters, configuration: configuration, logger: logger,
            instanceID: instanceID)
        let polling = Task { await poller.run(until: stop) }
        let lanes = 12
        // Paced new work (replays are not paced), so a run of stops keeps finding work in flight.
        let pauseMilliseconds = environment["CRASH_SUBMITS_PER_SECOND"].flatMap(Int.init).map {
            lanes * 1_000 / max(1, $0)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    for index in stride(from: lane, to: count, by: lanes) where !stop.isStopped {
                        do {
                            let outcome = try await service.submit(
                                request(index, user: user, providers: providers, scenario: scenario))
                            if !outcome.replayed, let pause = pauseMilliseconds {
                                try await Task.sleep(for: .milliseconds(pause))
                            }
                        } catch JobError.providerRejected {
                            // A refused submit is an ended job: nothing to do.
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        if !stop.isStopped { say("SUBMITTED \(count)") }
        while !stop.isStopped {
            let inFlight: Int = try await pool.withSession { session in
                try session.query("SELECT count(*) FROM jobs WHERE status IN ('submitting', 'queued', 'running')")[0]
                    .decode(0)
            }
            if inFlight == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop.stop()
        await polling.value
        terminated.cancel()
        await client.shutdown()
        await pool.close()
        return Self.sawSIGTERM.withLock { $0 }
    }

    /// Prints and flushes at once: a SIGKILL must not eat what was already said.
    static func say(_ line: String) {
        print(line)
        fflush(nil)
    }

    static let providers = ProviderID.allCases.map(\.rawValue)

    static let sawSIGTERM = Mutex(false)

    /// Calls `action` on SIGTERM (the default action, exit, is turned off).
    static func onSIGTERM(_ action: @escaping @Sendable () -> Void) -> any DispatchSourceSignal {
        signal(SIGTERM, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        source.setEventHandler {
            sawSIGTERM.withLock { $0 = true }
            action()
        }
        source.resume()
        return source
    }

    /// Job `index`: the same request every time, so a restarted worker replays it. Every fifth
    /// job of each provider fails at the provider (refunded), so settlement sees both outcomes.
    static func request(_ index: Int, user: String, providers: [String], scenario: String) -> JobRequest {
        let outcome = (index / providers.count) % 5 == 4 ? " outcome=failed refund=true" : ""
        let prompt = "crash \(index) sim: complete_after_ms=\(300 + (index * 37) % 3_000)\(outcome) \(scenario)"
        let specs: [String: JobSpec] = [
            "aimo": JobSpec(family: "veo-3.1-fast", duration: 8, resolution: "720p", prompt: prompt),
            "openai-videos": JobSpec(family: "veo-3.1-fast", duration: 8, resolution: "720p", prompt: prompt),
            "venice": JobSpec(family: "wan-2.7", duration: 5, resolution: "720p", prompt: prompt),
            "nanogpt": JobSpec(family: "veo-2", duration: 5, resolution: "720p", aspectRatio: "16:9", prompt: prompt),
            "aigate": JobSpec(family: "kling-v3-std", duration: 5, resolution: "720p", prompt: prompt),
        ]
        let provider = providers[index % providers.count]
        return JobRequest(
            userID: user, idempotencyKey: "crash-\(index)", spec: specs[provider] ?? JobSpec(), provider: provider)
    }
}
