/// Settings of the report's transaction, and of the bare-SQL baseline `bench report` times
/// beside it, so both run the same plans.
public enum ReportSessionSettings {
    /// Name and value of each setting.
    ///
    /// `jit`: compiling a large query took 0.8-1.3 s of each big section, more than it saved
    /// over a run of a few seconds; a report runs each query once, so nothing amortises it.
    public static let all: [(name: String, value: String)] = [
        ("jit", "off"), ("work_mem", "'\(ReportLimits.queryMemoryMegabytes)MB'"),
    ]
}
