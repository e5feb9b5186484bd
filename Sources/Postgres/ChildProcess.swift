import Foundation
import Synchronization

/// Runs a program to completion with `posix_spawn` and `waitpid`.
///
/// Foundation's `Process` reaps children from a monitor thread; launched from several threads
/// at once (parallel tests) it was seen leaving children unreaped and callers waiting forever.
/// This waits for its own child only, on the calling thread, which must therefore not be one of
/// Swift's cooperative threads.
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public let status: Int32
        public let output: String
        public var description: String { "exit status \(status): \(output)" }
    }

    /// Held from creating a child's pipe until the parent closed its write end, so no child
    /// started by another thread inherits that write end and keeps the pipe open forever.
    private static let spawnLock = Mutex(())

    /// Runs `executable` and returns its combined stdout and stderr (or "" when not captured).
    public static func run(_ executable: String, _ arguments: [String], captureOutput: Bool) throws -> String {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }

        var pid: pid_t = 0
        var pipeEnds: [Int32] = [-1, -1]
        let spawned = try spawnLock.withLock { _ throws -> Int32 in
            if captureOutput {
                guard pipe(&pipeEnds) == 0 else { throw Failure(status: -1, output: "pipe: errno \(errno)") }
                _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
                _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
            }
            let result = spawn(&pid, executable, argv, envp, captureOutput: captureOutput, writeEnd: pipeEnds[1])
            if captureOutput { close(pipeEnds[1]) }
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
                if count > 0 { output.append(contentsOf: chunk[0..<count]); continue }
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
        _ pid: inout pid_t, _ executable: String, _ argv: [UnsafeMutablePointer<CChar>?], _ envp: [UnsafeMutablePointer<CChar>?],
        captureOutput: Bool, writeEnd: Int32
    ) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
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
