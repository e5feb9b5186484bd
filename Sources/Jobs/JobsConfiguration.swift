import ProviderRegistry
import Providers

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
    /// A job whose polls have failed for this long (and at least `stallErrorsMin` times in a row)
    /// is `stalled`: the provider stopped giving a usable answer. Its hold stays.
    public var stallAfterMilliseconds: Int
    public var stallErrorsMin: Int
    /// How often a stalled job is still asked (the provider's later word settles it).
    public var stalledPollIntervalMilliseconds: Int
    /// Provider calls in flight (leased jobs) per provider, across every instance on the database.
    public var inFlightMaxPerProvider: [ProviderID: Int]
    /// Jobs leased per provider per lease statement.
    public var leaseBatchMax: Int
    /// How often the poller loop looks for due jobs when it found none.
    public var idleTickMilliseconds: Int
    /// A job still running this long after it was sent is `stalled` (held, flagged): the provider
    /// has not said it failed, so its money is not released on a timer.
    public var jobAgeMaxMilliseconds: [ProviderID: Int]
    /// On graceful shutdown, how long polls in flight may finish before they are cancelled (a
    /// cancelled poll only leaves its lease to be taken over).
    public var shutdownGraceMilliseconds: Int
    /// On graceful shutdown, how long synchronous provider calls in flight (AIGate renders for
    /// up to 15 minutes and charges during the call) may finish. A deploy must allow this much
    /// stop time; a call cut short leaves its job `unknown`.
    public var synchronousDrainMilliseconds: Int
    /// How often a running instance writes its heartbeat.
    public var heartbeatIntervalMilliseconds: Int
    /// A lease held by an instance whose heartbeat is older than this (or that stopped) is taken
    /// over at once: re-polled, or `unknown` when its submit's outcome cannot be known.
    public var heartbeatDeadAfterMilliseconds: Int
    /// The long bound on held money (`unknown`, `stalled`), like a card authorisation's: past it
    /// reconciliation releases the hold and reports the release.
    public var heldBoundMilliseconds: Int
    /// An open hold older than this is reported by reconciliation.
    public var holdOpenMaxMilliseconds: Int
    /// Provider balance differences at or below this are not reported (rounding of reported
    /// balances, e.g. NanoGPT's 8 places).
    public var balanceToleranceMicros: Int64
    /// Balance evidence matches held jobs' quotes when it is within this many basis points of
    /// their sum (providers round, and a quote is not always the exact charge).
    public var evidenceToleranceBasisPoints: Int64
    /// Balance evidence that a held job was never charged ("no movement") counts only once the
    /// newest balance reading is this long after the job's call went out, and only for providers
    /// that charge at submit or during a synchronous call (AIGate renders for up to 15 minutes).
    public var noChargeEvidenceAfterMilliseconds: Int
    /// Balance evidence is used only across quiet readings: no other job of the provider may be
    /// in flight within this margin of either reading, since a provider's money event and our
    /// record of it never happen at the same instant and could fall on two sides of a reading.
    public var evidenceQuietMarginMilliseconds: Int
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
        stallAfterMilliseconds: Int = 600_000,
        stallErrorsMin: Int = 3,
        stalledPollIntervalMilliseconds: Int = 900_000,
        inFlightMaxPerProvider: [ProviderID: Int] = [.aigate: 16],
        leaseBatchMax: Int = 64,
        idleTickMilliseconds: Int = 250,
        jobAgeMaxMilliseconds: [ProviderID: Int] = [:],
        shutdownGraceMilliseconds: Int = 10_000,
        synchronousDrainMilliseconds: Int = RequestLimits.synchronousGenerationTimeoutMilliseconds + 30_000,
        heartbeatIntervalMilliseconds: Int = 5_000,
        heartbeatDeadAfterMilliseconds: Int = 60_000,
        heldBoundMilliseconds: Int = 7 * 24 * 3_600_000,
        holdOpenMaxMilliseconds: Int = 12 * 3_600_000,
        balanceToleranceMicros: Int64 = 10,
        evidenceToleranceBasisPoints: Int64 = 200,
        noChargeEvidenceAfterMilliseconds: Int = 1_200_000,
        evidenceQuietMarginMilliseconds: Int = 30_000,
        promptCharactersMax: Int = 20_000
    ) {
        self.leaseMilliseconds = leaseMilliseconds
        self.submitLeaseMilliseconds = submitLeaseMilliseconds
        self.synchronousLeaseMilliseconds = synchronousLeaseMilliseconds
        self.pollIntervalMillisecondsMin = pollIntervalMillisecondsMin
        self.pollIntervalMillisecondsMax = pollIntervalMillisecondsMax
        self.errorBackoffMillisecondsBase = errorBackoffMillisecondsBase
        self.stallAfterMilliseconds = stallAfterMilliseconds
        self.stallErrorsMin = stallErrorsMin
        self.stalledPollIntervalMilliseconds = stalledPollIntervalMilliseconds
        self.inFlightMaxPerProvider = inFlightMaxPerProvider
        self.leaseBatchMax = leaseBatchMax
        self.idleTickMilliseconds = idleTickMilliseconds
        self.jobAgeMaxMilliseconds = jobAgeMaxMilliseconds
        self.shutdownGraceMilliseconds = shutdownGraceMilliseconds
        self.synchronousDrainMilliseconds = synchronousDrainMilliseconds
        self.heartbeatIntervalMilliseconds = heartbeatIntervalMilliseconds
        self.heartbeatDeadAfterMilliseconds = heartbeatDeadAfterMilliseconds
        self.heldBoundMilliseconds = heldBoundMilliseconds
        self.holdOpenMaxMilliseconds = holdOpenMaxMilliseconds
        self.balanceToleranceMicros = balanceToleranceMicros
        self.evidenceToleranceBasisPoints = evidenceToleranceBasisPoints
        self.noChargeEvidenceAfterMilliseconds = noChargeEvidenceAfterMilliseconds
        self.evidenceQuietMarginMilliseconds = evidenceQuietMarginMilliseconds
        self.promptCharactersMax = promptCharactersMax
    }

    func inFlightMax(_ provider: ProviderID) -> Int { inFlightMaxPerProvider[provider] ?? Self.defaultInFlightMax }

    /// The age bound of a job of `provider` as stored (a provider no longer known gets the default).
    func jobAgeMax(_ provider: String) -> Int {
        ProviderID(rawValue: provider).flatMap { jobAgeMaxMilliseconds[$0] } ?? Self.defaultJobAgeMaxMilliseconds
    }

    /// Stops on a configuration that cannot work: a programmer's mistake, caught at start.
    package func validate() {
        precondition(leaseMilliseconds >= 100, "leaseMilliseconds must be at least 100")
        precondition(
            submitLeaseMilliseconds >= leaseMilliseconds, "submitLeaseMilliseconds must be at least leaseMilliseconds")
        precondition(synchronousLeaseMilliseconds >= submitLeaseMilliseconds, "synchronousLeaseMilliseconds too short")
        precondition(pollIntervalMillisecondsMin >= 1, "pollIntervalMillisecondsMin must be positive")
        precondition(pollIntervalMillisecondsMax >= pollIntervalMillisecondsMin, "poll interval max below min")
        precondition(errorBackoffMillisecondsBase >= 1, "errorBackoffMillisecondsBase must be positive")
        precondition(stallAfterMilliseconds >= 1 && stallErrorsMin >= 1, "stall limits must be positive")
        precondition(
            stalledPollIntervalMilliseconds >= pollIntervalMillisecondsMin,
            "stalled jobs are polled less often, not more")
        precondition(inFlightMaxPerProvider.values.allSatisfy { $0 >= 1 && $0 <= 4_096 }, "in-flight caps out of range")
        precondition(leaseBatchMax >= 1 && leaseBatchMax <= 10_000, "leaseBatchMax out of range")
        precondition(idleTickMilliseconds >= 1, "idleTickMilliseconds must be positive")
        precondition(jobAgeMaxMilliseconds.values.allSatisfy { $0 >= 1 }, "job age limits must be positive")
        precondition(
            shutdownGraceMilliseconds >= 0 && synchronousDrainMilliseconds >= 0, "drain times must not be negative")
        precondition(heartbeatIntervalMilliseconds >= 10, "heartbeatIntervalMilliseconds must be at least 10")
        precondition(
            heartbeatDeadAfterMilliseconds >= 2 * heartbeatIntervalMilliseconds, "a live instance must not look dead")
        precondition(heldBoundMilliseconds >= submitLeaseMilliseconds, "held money is released before its lease ends")
        precondition(balanceToleranceMicros >= 0, "balance tolerance must not be negative")
        precondition(
            (0...10_000).contains(evidenceToleranceBasisPoints), "evidence tolerance is 0 to 10,000 basis points")
        precondition(noChargeEvidenceAfterMilliseconds >= 0, "noChargeEvidenceAfterMilliseconds must not be negative")
        precondition(evidenceQuietMarginMilliseconds >= 0, "evidenceQuietMarginMilliseconds must not be negative")
        precondition(promptCharactersMax >= 1, "promptCharactersMax must be positive")
    }
}
