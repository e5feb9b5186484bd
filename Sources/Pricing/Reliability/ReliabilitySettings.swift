import ProviderRegistry

/// How history becomes an expected cost: the prior's strength, the prior itself when a family has
/// no history at all, and the interval's width.
public struct ReliabilitySettings: Sendable, Hashable {
    /// Pseudo-jobs the prior counts for: with `n` jobs of history the prior weighs `k ÷ (n + k)`,
    /// so it fades as jobs accumulate (half at `n = k`).
    public var priorJobs: Int
    /// The prior success rate of a family nobody has history for, in parts per billion. With
    /// history, the prior is the family's pooled success rate over every provider.
    public var defaultSuccessPPB: Int64
    /// Wilson interval z (1.96: 95 %); expected costs divide by the interval's lower bound.
    public var z: Double

    public init(priorJobs: Int = 20, defaultSuccessPPB: Int64 = 900_000_000, z: Double = 1.96) {
        precondition(priorJobs >= 1 && priorJobs <= 1_000_000, "priorJobs must be 1-1000000")
        precondition(
            defaultSuccessPPB > 0 && defaultSuccessPPB <= Reliability.scale, "defaultSuccessPPB must be in (0, 1e9]")
        precondition(z >= 0 && z <= 10, "z must be in [0, 10]")
        self.priorJobs = priorJobs
        self.defaultSuccessPPB = defaultSuccessPPB
        self.z = z
    }
}
