/// Why a job is held as `stalled` (`jobs.stall_reason`). A stalled job keeps its hold and is
/// still polled; the provider's later answer, reconciliation evidence or an operator ends it.
enum StallReason: String, Sendable {
    /// Its polls kept failing: transport errors, 5xx, 401/403, 404, garbage, unknown words.
    case providerSilent = "provider_silent"
    /// Still queued or running past the provider's maximum age.
    case maxAge = "max_age"
    /// The provider reported a cost or billed seconds we will not charge without a look.
    case implausibleCost = "implausible_cost"
    /// A job in flight with no provider job id to ask about (a corrupted row).
    case noProviderJobID = "no_provider_job_id"
}

/// A provider answer that cannot be settled as given. The job is held (`stalled`) and flagged
/// instead: a bad provider body must never stop the process or charge the user nonsense.
struct SettlementRefusal: Error, Sendable {
    let reason: StallReason
    let message: String
}
