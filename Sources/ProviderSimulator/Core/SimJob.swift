/// One job a simulated provider accepted.
struct SimJob: Sendable {
    let id: String
    let model: String
    let requestedSeconds: Int
    let createdAtUnixMilliseconds: Int64
    let scenario: Scenario
    /// The balance the job is charged to (`USD`, `XNO`, `USDC`).
    let currency: String
    /// Taken at submit by providers that precharge; zero for those that charge at completion.
    let prechargeMicros: Int64
    /// Venice: the job was submitted with a wallet, so answers carry `X-Balance-Remaining`.
    let walletAuthenticated: Bool
    /// What the caller sent to trace the job by: AIGate's `user`, else the prompt (shortened).
    let reference: String
    /// Set once the terminal outcome has moved the balance.
    var settled = false
    /// What the job finally cost, once settled.
    var finalCostMicros: Int64 = 0

    var billedSeconds: Int { scenario.billedSeconds ?? requestedSeconds }
    var completesAtUnixMilliseconds: Int64 { createdAtUnixMilliseconds + scenario.completeAfterMilliseconds }

    /// What the provider keeps for this job now: the precharge while it runs, then the final
    /// cost (zero when refunded). The simulator's own charge record, for tests that check a
    /// ledger against what the provider really took.
    var keptMicros: Int64 { settled ? finalCostMicros : prechargeMicros }

    enum Phase: Equatable {
        case queued
        case running(progressPercent: Int, elapsedMilliseconds: Int64)
        case finished(Scenario.Outcome)
    }

    /// Queued for the first tenth of its time, then running, then its scripted outcome.
    func phase(atUnixMilliseconds now: Int64) -> Phase {
        let elapsed = max(0, now - createdAtUnixMilliseconds)
        let total = scenario.completeAfterMilliseconds
        if elapsed >= total { return .finished(scenario.outcome) }
        if elapsed * 10 < total { return .queued }
        return .running(progressPercent: Int(elapsed * 100 / max(1, total)), elapsedMilliseconds: elapsed)
    }
}
