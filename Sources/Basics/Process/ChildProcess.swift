import Foundation
import Synchronization

/// Runs a program to completion with `posix_spawn` and `waitpid`.
///
/// Foundation's `Process` reaps children from a monitor thread; launched from several threads
/// at once (parallel tests) it was seen leaving children unreaped and callers waiting forever.
/// This waits for its own child only, on the calling thread, which must therefore not be one of
/// Swift's cooperative threads.
///
/// Children get a minimal environment unless the caller passes one: this process holds
/// provider keys and wallet secrets in its environment, and no PostgreSQL server, `psql` or
/// `pgbench` needs them.
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public let status: Int32
        public let output: String
        public var description: String { "exit status \(status): \(output)" }
    }

    /// Held from creating a child's pipe until the parent closed its write end, so no child
    /// started by another thread inherits that write end and keeps the pipe open forever.
    private static let spawnLock = Mutex(())

    /// Variables a child inherits by default: where programs are, the time zone, the temporary
    /// folder. Everything else (credentials included) stays in this process.
    static let inheritedVariables = ["PATH", "TZ", "TMPDIR"]

    /// The environment children start with: `inheritedVariables` as this process has them, the
    /// C locale, and `PATH` defaulted when unset. With `libpq` true, also libpq's own `PG*`
    /// settings (PGSSLMODE, PGPASSFILE, ...), for clients such as `psql` and `pgbench` that
    /// connect where this process does; servers of the embedded cluster never get them.
    public static func minimalEnvironment(libpq: Bool = false) -> [String: String] {
        let current = ProcessInfo.processInfo.environment
        var environment: [String: String] = ["LC_ALL": "C", "LANG": "C"]
        for name in inheritedVariables { environment[name] = current[name] }
        if environment["PATH"] == nil { environment["PATH"] = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" }
        if libpq {
            for (name, value) in current where name.hasPrefix("PG") { environment[name] = value }
        }
        return environment
    }

    /// Runs `executable` and returns its combined stdout and stderr (or "" when not captured).
    /// - Parameters:
    ///   - environment: the child's whole environment; nil means `minimalEnvironment()`.
    ///   - input: bytes for the child's standard input (at most 64 KiB, a pipe's buffer), else
    ///     it reads /dev/null.
    public static func run(
        _ executable: String, _ arguments: [String], captureOutput: Bool, environment: [String: String]? = nil,
        input: [UInt8]? = nil
    ) throws -> String {
        precondition((input?.count ?? 0) <= 65_536, "child input beyond a pipe's buffer")
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp = (environment ?? minimalEnvironment()).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }

        var pid: pid_t = 0
        var pipeEnds: [Int32] = [-1, -1]
        var inputEnds: [Int32] = [-1, -1]
        let spawned = try spawnLock.withLock { _ throws -> Int32 in
            if captureOutput {
                guard pipe(&pipeEnds) == 0 else { throw Failure(status: -1, output: "pipe: errno \(errno)") }
                _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
                _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
            }
            if let input {
                // Written before the child exists: the bytes wait in the pipe's buffer (they fit),
                // so nothing here can block on, or be signalled by, a child that exits early.
                guard pipe(&inputEnds) == 0 else {
                    if captureOutput {
                        close(pipeEnds[0])
                        close(pipeEnds[1])
                    }
                    throw Failure(status: -1, output: "pipe: errno \(errno)")
                }
                _ = fcntl(inputEnds[0], F_SETFD, FD_CLOEXEC)
                _ = fcntl(inputEnds[1], F_SETFD, FD_CLOEXEC)
                var offset = 0
                while offset < input.count {
                    let written = input[offset...].withUnsafeBytes { write(inputEnds[1], $0.baseAddress, $0.count) }
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { break }
                    offset += written
                }
                close(inputEnds[1])
            }
            let result = spawn(
                &pid, executable, argv, envp, captureOutput: captureOutput, writeEnd: pipeEnds[1], readEnd: inputEnds[0]
            )
            if captureOutput { close(pipeEnds[1]) }
            if input != nil { close(inputEnds[0]) }
            return result
        }
        guard spawned == 0 else {
            if captureOutput { close(pipeEnds[0]) }
            throw Failure(status: -1, output: "cannot start \(executable): error \(spawned)")
        }
        var output: [UInt8] = []
        if captureOutput {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
                if count > 0 {
                    output.append(contentsOf: chunk[0..<count])
                    continue
                }
                if count < 0 && errno == EINTR { continue }
                break
            }
            close(pipeEnds[0])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = String(decoding: output, as: UTF8.self)
        let exited = (status & 0x7f) == 0
        let exitCode = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exitCode == 0 else { throw Failure(status: exitCode, output: text) }
        return text
    }

    private static func spawn(
        _ pid: inout pid_t, _ executable: String, _ argv: [UnsafeMutablePointer<CChar>?],
        _ envp: [UnsafeMutablePointer<CChar>?],
        captureOutput: Bool, writeEnd: Int32, readEnd: Int32
    ) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if readEnd >= 0 {
            posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
            posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        // Threads of Swift's runtime and of Dispatch block most signals, and a spawned child
        // inherits that mask: pgbench's -T timer (SIGALRM) never fired. Start children with an
        // empty mask and default handlers.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        sigdelset(&defaultSignals, SIGKILL)
        sigdelset(&defaultSignals, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        return posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    }
}
