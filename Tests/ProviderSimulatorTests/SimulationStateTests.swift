import ProviderRegistry
import Testing

@testable import ProviderSimulator

/// Balances move as each provider bills (docs/providers.md, Billing). Jobs with `complete_after_ms=0` are due at
/// once, so no test waits.
@Suite struct SimulationStateTests {
    func state(_ provider: ProviderID, balances: [String: Int64] = ["USD": 10_000_000], jobsMax: Int = 10)
        -> SimulationState
    {
        SimulationState(provider: provider, balancesMicros: balances, jobsMax: jobsMax, seed: 1)
    }

    func scenario(_ text: String) -> Scenario {
        var scenario = Scenario()
        _ = scenario.apply(ScenarioText.pairs(text))
        return scenario
    }

    @Test func nanoGPTPrechargesThenSettlesToTheFinalCost() throws {
        let state = state(.nanoGPT)
        let job = try state.submit(
            id: "a", model: "m", requestedSeconds: 5, scenario: scenario("complete_after_ms=60000"), currency: "USD")
        #expect(job.prechargeMicros == 500_000)
        #expect(state.balances().balancesMicros["USD"] == 9_500_000)
        _ = try state.submit(
            id: "b", model: "m", requestedSeconds: 5, scenario: scenario("complete_after_ms=0 final_cost=0.40"),
            currency: "USD")
        #expect(state.balances().balancesMicros["USD"] == 9_100_000)
        #expect(state.job("b")?.finalCostMicros == 400_000)
        _ = try state.submit(
            id: "c", model: "m", requestedSeconds: 5, scenario: scenario("complete_after_ms=0 billed_seconds=7"),
            currency: "USD")
        #expect(state.balances().balancesMicros["USD"] == 8_400_000)
    }

    @Test func failuresRefundUnlessTold() throws {
        let state = state(.venice)
        _ = try state.submit(
            id: "a", model: "m", requestedSeconds: 5, scenario: scenario("complete_after_ms=0 outcome=content_policy"),
            currency: "USD")
        #expect(state.balances().balancesMicros["USD"] == 10_000_000)
        _ = try state.submit(
            id: "b", model: "m", requestedSeconds: 5,
            scenario: scenario("complete_after_ms=0 outcome=failed refund=false"), currency: "USD")
        #expect(state.balances().balancesMicros["USD"] == 9_500_000)
    }

    @Test func veniceKeepsItsReserveOnCompletion() throws {
        let state = state(.venice)
        _ = try state.submit(
            id: "a", model: "m", requestedSeconds: 5, scenario: scenario("complete_after_ms=0 billed_seconds=9"),
            currency: "USD")
        #expect(state.balances().balancesMicros["USD"] == 9_500_000)
    }

    @Test func aigateChargesAtCompletionAndCountsSpend() throws {
        let state = state(.aigate)
        _ = try state.submit(
            id: "a", model: "m", requestedSeconds: 5, scenario: scenario("complete_after_ms=60000"), currency: "USD")
        #expect(state.balances().balancesMicros["USD"] == 10_000_000)
        _ = try state.submit(
            id: "b", model: "m", requestedSeconds: 5, scenario: scenario("complete_after_ms=0 final_cost=0.37"),
            currency: "USD")
        let (balances, spent) = state.balances()
        #expect(balances["USD"] == 9_630_000 && spent == 370_000)
        _ = try state.submit(
            id: "c", model: "m", requestedSeconds: 5, scenario: scenario("complete_after_ms=0 outcome=failed"),
            currency: "USD")
        #expect(state.balances().spentMicros == 370_000)
    }

    @Test func aShortBalanceRefusesTheJob() {
        let state = state(.nanoGPT, balances: ["USD": 100_000])
        #expect(
            throws: SimulationState.SubmitRefusal.insufficientBalance(neededMicros: 500_000, availableMicros: 100_000)
        ) {
            try state.submit(id: "a", model: "m", requestedSeconds: 5, scenario: Scenario(), currency: "USD")
        }
        #expect(state.jobCount == 0)
    }

    /// The oldest settled jobs make room, stepping over a long one at the front, however many
    /// have left before.
    @Test func theOldestSettledJobsMakeRoomAroundALongOne() throws {
        let state = state(.venice, balances: ["USD": 100_000_000], jobsMax: 3)
        func submitQuick(_ indices: Range<Int>) throws {
            for index in indices {
                _ = try state.submit(
                    id: "q\(index)", model: "m", requestedSeconds: 5, scenario: scenario("complete_after_ms=0"),
                    currency: "USD")
            }
        }
        try submitQuick(0..<10)  // the oldest leave from the front
        #expect(state.jobsSnapshot().map(\.id) == ["q7", "q8", "q9"])
        _ = try state.submit(
            id: "long", model: "m", requestedSeconds: 5, scenario: scenario("complete_after_ms=3600000"),
            currency: "USD")
        try submitQuick(10..<30)  // then from behind the long one
        #expect(state.jobsSnapshot().map(\.id) == ["long", "q28", "q29"])
        #expect(state.job("long")?.settled == false && state.job("q29")?.settled == true)
    }

    @Test func theJobLimitEvictsSettledJobsAndRefusesWhenAllAreRunning() throws {
        let state = state(.nanoGPT, jobsMax: 2)
        _ = try state.submit(
            id: "done", model: "m", requestedSeconds: 1, scenario: scenario("complete_after_ms=0"), currency: "USD")
        _ = try state.submit(
            id: "slow1", model: "m", requestedSeconds: 1, scenario: scenario("complete_after_ms=60000"), currency: "USD"
        )
        _ = try state.submit(
            id: "slow2", model: "m", requestedSeconds: 1, scenario: scenario("complete_after_ms=60000"), currency: "USD"
        )
        #expect(state.job("done") == nil && state.jobCount == 2)
        #expect(throws: SimulationState.SubmitRefusal.full) {
            try state.submit(
                id: "slow3", model: "m", requestedSeconds: 1, scenario: scenario("complete_after_ms=60000"),
                currency: "USD")
        }
    }

    @Test func controlSetsDefaultsRatesAndBalances() {
        let state = state(.nanoGPT)
        let ignored = state.configure(ScenarioText.pairs("complete_after_ms=10 rate_429=1 balance_xno=2.5 nonsense=1"))
        #expect(ignored == ["nonsense"])
        #expect(state.scenario(forPrompt: "x").completeAfterMilliseconds == 10)
        #expect(state.scenario(forPrompt: "x sim: complete_after_ms=20").completeAfterMilliseconds == 20)
        #expect(state.drawFault() == .rateLimited)
        #expect(state.balances().balancesMicros["XNO"] == 2_500_000)
    }

    @Test func phasesFollowTheClock() throws {
        let job = SimJob(
            id: "j", model: "m", requestedSeconds: 5, createdAtUnixMilliseconds: 1_000,
            scenario: scenario("complete_after_ms=1000"),
            currency: "USD", prechargeMicros: 0, walletAuthenticated: false, reference: "")
        #expect(job.phase(atUnixMilliseconds: 1_050) == .queued)
        #expect(job.phase(atUnixMilliseconds: 1_500) == .running(progressPercent: 50, elapsedMilliseconds: 500))
        #expect(job.phase(atUnixMilliseconds: 2_000) == .finished(.completed))
    }
}
