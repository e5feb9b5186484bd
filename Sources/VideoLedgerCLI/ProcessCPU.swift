import Foundation

/// CPU time of processes `getrusage` does not see: the benchmark's PostgreSQL server (started
/// by `pg_ctl`, so not a child of this process) with its backends, and the simulator. Read
/// from `/proc/<pid>/stat` (user plus system time), so a benchmark can say where a job's CPU
/// went on the same machine.
///
/// A process that exits between two readings takes its time with it: a phase measured this
/// way should keep its backends (a pool's connections do; parallel query workers do not, and
/// the job path rarely starts them).
enum ProcessCPU {
    /// User plus system seconds of `pid` so far, or 0 when it is gone.
    static func seconds(_ pid: pid_t) -> Double {
        guard let fields = statFields(pid), fields.count > 12 else { return 0 }
        // After the command name: state, ppid, …; utime and stime are the 12th and 13th.
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The seconds of `root` and of every process whose parent it is: a PostgreSQL server's
    /// postmaster, backends and background workers.
    static func secondsWithChildren(of root: pid_t) -> Double {
        var total = seconds(root)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry), pid != root, let fields = statFields(pid), fields.count > 1,
                pid_t(fields[1]) == root
            else { continue }
            total += seconds(pid)
        }
        return total
    }

    /// The fields of `/proc/<pid>/stat` after the parenthesised command name (which may hold
    /// spaces), starting with the state.
    private static func statFields(_ pid: pid_t) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }
}

/// CPU seconds of the three processes a job passes through: this one, the simulator child and
/// the benchmark's PostgreSQL server with its backends.
struct MachineCPU {
    let simulator: pid_t
    let postmaster: pid_t?

    struct Reading {
        var own: Double
        var simulator: Double
        var database: Double
        var total: Double { own + simulator + database }

        func minus(_ earlier: Reading) -> Reading {
            Reading(
                own: own - earlier.own, simulator: simulator - earlier.simulator, database: database - earlier.database)
        }

        /// `this process 1.234 ms, simulator …, PostgreSQL … = … ms` per one of `count` items.
        func perItem(_ count: Int) -> String {
            let scale = 1_000 / Double(count)
            return String(
                format: "this process %.3f ms, simulator %.3f ms, PostgreSQL %.3f ms = %.3f ms", own * scale,
                simulator * scale, database * scale, total * scale)
        }
    }

    func now() -> Reading {
        Reading(
            own: JobsBenchCommand.cpuSeconds(), simulator: ProcessCPU.seconds(simulator),
            database: postmaster.map(ProcessCPU.secondsWithChildren) ?? 0)
    }
}
