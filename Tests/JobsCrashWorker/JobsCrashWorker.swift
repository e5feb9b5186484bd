// The process JobsTests' crash test kills with SIGKILL: it submits a fixed batch of jobs (keys
// `crash-<i>`, so a restart replays what was already written) and polls until none is in flight,
// through the same Jobs API `videoledger serve` runs. Configured by environment variables:
// CRASH_DATABASE, CRASH_PRICING_DIR, CRASH_BASE_URLS ("venice=http://…,nanogpt=…"), CRASH_JOBS,
// CRASH_USER.
import Foundation
import HTTPClient
import Jobs
import Logging
import Postgres
import Pricing

@main
struct JobsCrashWorker {
    static func main() async {
        do {
            try await run()
            print("DONE")
        } catch {
            print("FAILED: \(error)")
            exit(1)
        }
    }

    static func run() async throws {
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
        var logger = Logger(label: "crash-worker")
        logger.logLevel = .warning
        let catalog = try PriceCatalog.load(directory: pricing)
        let pool = PostgresPool(.init(connectionString: database, connectionsMax: 12))
        let client = try CurlHTTPClient()
        let adapters = try JobsEnvironment.simulatorAdapters(baseURLs, client: client, logger: logger)
        let configuration = JobsConfiguration(
            leaseMilliseconds: 1_500, submitLeaseMilliseconds: 2_000, synchronousLeaseMilliseconds: 4_000,
            pollIntervalMillisecondsMin: 50, pollIntervalMillisecondsMax: 300, errorBackoffMillisecondsBase: 50,
            idleTickMilliseconds: 20)
        let service = JobService(pool: pool, catalog: catalog, adapters: adapters, configuration: configuration, logger: logger)
        let poller = Poller(pool: pool, catalog: catalog, adapters: adapters, configuration: configuration, logger: logger)
        let stop = StopSignal()
        let polling = Task { await poller.run(until: stop) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            let lanes = 12
            for lane in 0..<lanes {
                group.addTask {
                    for index in stride(from: lane, to: count, by: lanes) {
                        do {
                            _ = try await service.submit(request(index, user: user))
                        } catch JobError.providerRejected {
                            // A refused submit is an ended job: nothing to do.
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        print("SUBMITTED \(count)")
        while true {
            let inFlight: Int = try await pool.withSession { session in
                try session.query("SELECT count(*) FROM jobs WHERE status IN ('submitting', 'queued', 'running')")[0].decode(0)
            }
            if inFlight == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop.stop()
        await polling.value
        await client.shutdown()
        await pool.close()
    }

    /// Job `index`: the same request every time, so a restarted worker replays it.
    static func request(_ index: Int, user: String) -> JobRequest {
        let scenario = "sim: complete_after_ms=\(200 + (index * 37) % 1_300)"
        let specs: [(String, JobSpec)] = [
            ("aimo", JobSpec(family: "veo-3.1-fast", duration: 8, resolution: "720p", prompt: "crash \(index) \(scenario)")),
            ("openai-videos", JobSpec(family: "veo-3.1-fast", duration: 8, resolution: "720p", prompt: "crash \(index) \(scenario)")),
            ("venice", JobSpec(family: "wan-2.7", duration: 5, resolution: "720p", prompt: "crash \(index) \(scenario)")),
            ("nanogpt", JobSpec(family: "veo-2", duration: 5, resolution: "720p", aspectRatio: "16:9", prompt: "crash \(index) \(scenario)")),
            ("aigate", JobSpec(family: "kling-v3-std", duration: 5, resolution: "720p", prompt: "crash \(index) \(scenario)")),
        ]
        let (provider, spec) = specs[index % specs.count]
        return JobRequest(userID: user, idempotencyKey: "crash-\(index)", spec: spec, provider: provider)
    }
}
