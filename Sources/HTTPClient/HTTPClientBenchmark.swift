import Basics
import Foundation

/// Status-poll throughput of `CurlHTTPClient` beside the curl command-line tool fetching the same
/// URLs in the same run: figures to print, not a timed test (timings vary with the machine).
///
/// The client keeps `inFlight` requests outstanding, like that many jobs polled at once; curl runs
/// `--parallel --parallel-max curlParallelMax --parallel-immediate` over a `-K` file of the URLs.
/// Each side starts with no open connections.
public enum HTTPClientBenchmark {
    public struct Figures: Sendable, CustomStringConvertible {
        public let requestCount: Int
        public let inFlight: Int
        public let clientSeconds: Double
        /// Requests that failed or answered outside 200...299.
        public let clientFailureCount: Int
        public let curlParallelMax: Int
        /// nil when the curl tool could not be run; `curlProblem` says why.
        public let curlSeconds: Double?
        /// Transfers curl did not report as 200...299 (from `-w '%{http_code}'`).
        public let curlFailureCount: Int?
        public let curlProblem: String?

        public var clientRequestsPerSecond: Double { Double(requestCount) / clientSeconds }
        public var curlRequestsPerSecond: Double? { curlSeconds.map { Double(requestCount) / $0 } }
        /// Client rate over curl's rate; the goal is at least 0.8.
        public var ratio: Double? { curlRequestsPerSecond.map { clientRequestsPerSecond / $0 } }

        public var description: String {
            var lines = [
                "requests: \(requestCount)",
                "CurlHTTPClient, \(inFlight) in flight: \(Self.rate(clientRequestsPerSecond)) requests/s"
                    + " (\(Self.seconds(clientSeconds)), \(clientFailureCount) failed)",
            ]
            if let curlRequestsPerSecond, let curlSeconds, let ratio {
                lines.append(
                    "curl --parallel-max \(curlParallelMax): \(Self.rate(curlRequestsPerSecond)) requests/s"
                        + " (\(Self.seconds(curlSeconds)), \(curlFailureCount ?? 0) failed)"
                        + (curlProblem.map { "; \($0)" } ?? "")
                )
                lines.append("ratio client/curl: \(String(format: "%.2f", ratio))x")
            } else {
                lines.append("curl: not measured (\(curlProblem ?? "unknown"))")
            }
            return lines.joined(separator: "\n")
        }

        private static func rate(_ value: Double) -> String { String(format: "%.0f", value) }
        private static func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }
    }

    public static func run(
        urls: [String],
        inFlight: Int,
        curlParallelMax: Int = 100,
        configuration: CurlHTTPClient.Configuration = .init(
            connectionsMax: 100,
            connectionsPerHostMax: 100,
            pendingRequestsMax: 10_000
        )
    ) async -> Figures {
        precondition(!urls.isEmpty, "nothing to fetch")
        precondition(inFlight >= 1 && inFlight <= configuration.pendingRequestsMax, "inFlight out of range")
        let client = await measureClient(urls: urls, inFlight: inFlight, configuration: configuration)
        let curl = await measureCurl(urls: urls, parallelMax: curlParallelMax)
        return Figures(
            requestCount: urls.count,
            inFlight: inFlight,
            clientSeconds: client.seconds,
            clientFailureCount: client.failureCount,
            curlParallelMax: curlParallelMax,
            curlSeconds: curl.seconds,
            curlFailureCount: curl.failureCount,
            curlProblem: curl.problem
        )
    }

    /// `inFlight` workers, each taking every `inFlight`-th URL, so exactly `inFlight` requests are
    /// outstanding until the list runs out.
    private static func measureClient(
        urls: [String],
        inFlight: Int,
        configuration: CurlHTTPClient.Configuration
    ) async -> (seconds: Double, failureCount: Int) {
        let client: CurlHTTPClient
        do {
            client = try CurlHTTPClient(configuration: configuration)
        } catch {
            return (.infinity, urls.count)
        }
        let workerCount = min(inFlight, urls.count)
        let start = ContinuousClock.now
        let failureCount = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<workerCount {
                group.addTask {
                    var failures = 0
                    for index in stride(from: worker, to: urls.count, by: workerCount) {
                        let status = try? await client.execute(HTTPRequest(method: .get, url: urls[index])).status
                        if !(200...299).contains(status ?? 0) { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - start
        await client.shutdown()
        return (seconds(elapsed), failureCount)
    }

    private static func measureCurl(
        urls: [String],
        parallelMax: Int
    ) async -> (seconds: Double?, failureCount: Int?, problem: String?) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("httpclient-benchmark-\(ProcessInfo.processInfo.processIdentifier)")
        let configFile = directory.appendingPathComponent("urls.curlrc")
        let outputFile = directory.appendingPathComponent("codes.txt")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let config = urls.map { "url = \"\($0)\"\noutput = \"/dev/null\"\n" }.joined()
            try Data(config.utf8).write(to: configFile)
            try Data().write(to: outputFile)
        } catch {
            return (nil, nil, "could not write curl's config: \(error)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "curl", "--silent", "--no-progress-meter", "--parallel", "--parallel-max", "\(parallelMax)",
            "--parallel-immediate",
            "--write-out", "%{http_code}\\n", "--config", configFile.path,
        ]
        let start = ContinuousClock.now
        let status: Int32
        do {
            status = try await run(process, standardOutput: FileHandle(forWritingTo: outputFile))
        } catch {
            return (nil, nil, "could not start curl: \(error)")
        }
        let elapsed = ContinuousClock.now - start
        let codes = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        let successCount = codes.split(separator: "\n").filter { (200...299).contains(Int($0) ?? 0) }.count
        let problem = status == 0 ? nil : "curl exited with status \(status)"
        return (seconds(elapsed), urls.count - successCount, problem)
    }

    /// Runs the process and waits without blocking a thread of the cooperative pool.
    private static func run(_ process: Process, standardOutput: FileHandle) async throws -> Int32 {
        process.standardOutput = standardOutput
        process.standardError = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                continuation.resume(returning: finished.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        duration.secondsValue
    }
}
