import ProviderRegistry

/// One provider API behind VideoLedger's normalized job, status and balance.
///
/// Adapters never retry: a submit that fails after the request left may already be billed
/// (Venice, NanoGPT), so whether to ask again is the caller's decision, made with the job row
/// in hand. A transport error from `submit` means the outcome is unknown, not that it failed.
public protocol ProviderAdapter: Sendable {
    var provider: ProviderID { get }

    /// Sends the job. Synchronous providers (AIGate) return with `finalStatus` set.
    func submit(_ spec: ProviderJobSpec) async throws(ProviderError) -> ProviderSubmission

    /// Asks where the job is.
    func status(of job: ProviderJobHandle) async throws(ProviderError) -> ProviderStatus

    /// Reads the provider's balance; nil where the provider has no balance endpoint for the
    /// configured credential.
    func balance() async throws(ProviderError) -> BalanceSnapshot?
}
