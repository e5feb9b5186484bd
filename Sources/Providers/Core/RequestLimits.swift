/// Deadlines and body limits for provider calls, in one place so they can be reviewed together.
public enum RequestLimits {
    /// Submits and status polls of asynchronous providers.
    public static let defaultTimeoutMilliseconds = 30_000
    /// AIGate renders while the connection stays open; its docs use `--max-time 900`.
    public static let synchronousGenerationTimeoutMilliseconds = 900_000
    /// JSON answers are small; anything bigger is not a status.
    public static let jsonResponseBytesMax = 1 * 1024 * 1024
}
