import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Children that keep running (a `serve` under test, a crash worker, a benchmark's server):
/// started with `posix_spawn`, their output appended to a log file, stopped and reaped by pid.
/// Waiting polls `waitpid(WNOHANG)` with sleeps, so it never holds a cooperative thread.
extension ChildProcess {
    public struct SpawnFailed: Error {
        public let code: Int32

        public init(code: Int32) { self.code = code }
    }

    /// Starts `path` with exactly `environment`; stdin reads /dev/null, stdout and stderr append
    /// to `log`. Returns the child's pid.
    public static func start(
        _ path: String, arguments: [String] = [], environment: [String: String], log: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard result == 0 else { throw SpawnFailed(code: result) }
        return pid
    }

    /// SIGKILL, then reap; returns the wait status.
    public static func kill(_ pid: pid_t) async throws -> Int32 {
        Glibc.kill(pid, SIGKILL)
        return try await wait(pid, timeoutMilliseconds: 10_000)
    }

    /// SIGTERM, then wait; returns the wait status (0: it drained and exited cleanly).
    public static func terminate(_ pid: pid_t, timeoutMilliseconds: Int) async throws -> Int32 {
        Glibc.kill(pid, SIGTERM)
        return try await wait(pid, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Waits for the child; kills it at the deadline. Returns the raw wait status (0 = exit 0),
    /// -1 when the deadline passed.
    public static func wait(_ pid: pid_t, timeoutMilliseconds: Int) async throws -> Int32 {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMilliseconds)
        while true {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return status }
            if ContinuousClock.now > deadline {
                Glibc.kill(pid, SIGKILL)
                var ignored: Int32 = 0
                _ = waitpid(pid, &ignored, 0)
                return -1
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
