/// Every limit of the job lifecycle, explicit, each with its unit in its name. One value is
/// shared by `JobService`, `Poller` and `Reconciler` so that the leases one writes and the other
/// reads agree.
public struct JobsConfiguration: Sendable, Equatable {
    /// How long a poll lease lasts. Longer than a status call's deadline (30 s), so a live poller
    /// never loses a lease mid-call; short enough that a killed one's jobs resume soon.
    public var leaseMilliseconds: Int
    /// The lease on a submit in progress, and on a synchronous (AIGate) dispatch: the longest the
    /// provider call may take, plus margin. A `submitting` job whose lease ran out with its call
    /// sent becomes `unknown`.
    public var submitLeaseMilliseconds: Int
    public var synchronousLeaseMilliseconds: Int
    /// Poll intervals: the first poll after submit, and the bounds every later interval (ETA,
    /// growth, backoff) is clamped to.
    public var pollIntervalMillisecondsMin: Int
    public var pollIntervalMillisecondsMax: Int
    /// First retry delay after a poll error; doubles per consecutive error up to the max.
    public var errorBackoffMillisecondsBase: Int
    /// Consecutive poll errors after which a job is failed and its hold released.
    public var pollErrorsConsecutiveMax: Int
    /// Consecutive "not found" answers after which the provider is taken at its word.
    public var notFoundConsecutiveMax: Int
    /// Polls in flight per provider, per poller instance.
    public var inFlightMaxPerProvider: [String: Int]
    /// Jobs leased per provider per lease statement.
    public var leaseBatchMax: Int
    /// How often the poller loop looks for due jobs when it found none.
    public var idleTickMilliseconds: Int
    /// A job still running this long after it was sent is expired and its hold released.
    public var jobAgeMaxMilliseconds: [String: Int]
    /// How long graceful shutdown waits for polls in flight before cancelling them.
    public var shutdownGraceMilliseconds: Int
    /// An `unknown` job older than this is resolved by reconciliation: hold released, job expired.
    public var unknownResolveAfterMilliseconds: Int
    /// An open hold older than this is reported by reconciliation.
    public var holdOpenMaxMilliseconds: Int
    /// Provider balance differences at or below this are not reported (rounding of reported
    /// balances, e.g. NanoGPT's 8 places).
    public var balanceToleranceMicros: Int64
    /// Prompts longer than this are refused (Venice accepts up to 20,000 characters).
    public var promptCharactersMax: Int

    public static let defaultInFlightMax = 32
    public static let defaultJobAgeMaxMilliseconds = 6 * 3_600_000

    public init(
        leaseMilliseconds: Int = 60_000,
        submitLeaseMilliseconds: Int = 90_000,
        synchronousLeaseMilliseconds: Int = 960_000,
        pollIntervalMillisecondsMin: Int = 1_000,
        pollIntervalMillisecondsMax: Int = 30_000,
        errorBackoffMillisecondsBase: Int = 1_000,
        pollErrorsConsecutiveMax: Int = 30,
        notFoundConsecutiveMax: Int = 3,
        inFlightMaxPerProvider: [String: Int] = ["aigate": 16],
        leaseBatchMax: Int = 64,
        idleTickMilliseconds: Int = 250,
        jobAgeMaxMilliseconds: [String: Int] = [:],
        shutdownGraceMilliseconds: Int = 10_000,
        unknownResolveAfterMilliseconds: Int = 24 * 3_600_000,
        holdOpenMaxMilliseconds: Int = 12 * 3_600_000,
        balanceToleranceMicros: Int64 = 10,
        promptCharactersMax: Int = 20_000
    ) {
        self.leaseMilliseconds = leaseMilliseconds
        self.submitLeaseMilliseconds = submitLeaseMilliseconds
        self.synchronousLeaseMilliseconds = synchronousLeaseMilliseconds
        self.pollIntervalMillisecondsMin = pollIntervalMillisecondsMin
        self.pollIntervalMillisecondsMax = pollIntervalMillisecondsMax
        self.errorBackoffMillisecondsBase = errorBackoffMillisecondsBase
        self.pollErrorsConsecutiveMax = pollErrorsConsecutiveMax
        self.notFoundConsecutiveMax = notFoundConsecutiveMax
        self.inFlightMaxPerProvider = inFlightMaxPerProvider
        self.leaseBatchMax = leaseBatchMax
        self.idleTickMilliseconds = idleTickMilliseconds
        self.jobAgeMaxMilliseconds = jobAgeMaxMilliseconds
        self.shutdownGraceMilliseconds = shutdownGraceMilliseconds
        self.unknownResolveAfterMilliseconds = unknownResolveAfterMilliseconds
        self.holdOpenMaxMilliseconds = holdOpenMaxMilliseconds
        self.balanceToleranceMicros = balanceToleranceMicros
        self.promptCharactersMax = promptCharactersMax
    }

    func inFlightMax(_ provider: String) -> Int { inFlightMaxPerProvider[provider] ?? Self.defaultInFlightMax }

    func jobAgeMax(_ provider: String) -> Int { jobAgeMaxMilliseconds[provider] ?? Self.defaultJobAgeMaxMilliseconds }

    /// Stops on a configuration that cannot work: a programmer's mistake, caught at start.
    func validate() {
        precondition(leaseMilliseconds >= 100, "leaseMilliseconds must be at least 100")
        precondition(submitLeaseMilliseconds >= leaseMilliseconds, "submitLeaseMilliseconds must be at least leaseMilliseconds")
        precondition(synchronousLeaseMilliseconds >= submitLeaseMilliseconds, "synchronousLeaseMilliseconds too short")
        precondition(pollIntervalMillisecondsMin >= 1, "pollIntervalMillisecondsMin must be positive")
        precondition(pollIntervalMillisecondsMax >= pollIntervalMillisecondsMin, "poll interval max below min")
        precondition(errorBackoffMillisecondsBase >= 1, "errorBackoffMillisecondsBase must be positive")
        precondition(pollErrorsConsecutiveMax >= 1 && notFoundConsecutiveMax >= 1, "error limits must be positive")
        precondition(inFlightMaxPerProvider.values.allSatisfy { $0 >= 1 && $0 <= 4_096 }, "in-flight caps out of range")
        precondition(leaseBatchMax >= 1 && leaseBatchMax <= 10_000, "leaseBatchMax out of range")
        precondition(idleTickMilliseconds >= 1, "idleTickMilliseconds must be positive")
        precondition(jobAgeMaxMilliseconds.values.allSatisfy { $0 >= 1 }, "job age limits must be positive")
        precondition(unknownResolveAfterMilliseconds >= submitLeaseMilliseconds, "unknown jobs resolve before their lease ends")
        precondition(balanceToleranceMicros >= 0, "balance tolerance must not be negative")
        precondition(promptCharactersMax >= 1, "promptCharactersMax must be positive")
    }
}
