import Testing

@testable import ProviderSimulator

@Suite struct ScenarioTests {
    @Test func promptScenarioOverridesDefaults() {
        var scenario = Scenario()
        let ignored = scenario.apply(
            ScenarioText.pairs(
                inPrompt:
                    "A red fox sim: complete_after_ms=2000 billed_seconds=6 final_cost=0.40 outcome=failed refund=false precharge=0.0850001 shape=flat url_style=relative timestamps=s payment_source=xno video_bytes=99 error_shape=flat fault=429 rate_per_second=0.2 colour=blue"
            ))
        #expect(ignored == ["colour"])
        #expect(scenario.completeAfterMilliseconds == 2_000)
        #expect(scenario.billedSeconds == 6)
        #expect(scenario.finalCostMicros == 400_000)
        #expect(scenario.prechargeMicros == 85_000)
        #expect(scenario.outcome == .failed && !scenario.refund)
        #expect(
            scenario.nanoGPTFlatShape && scenario.relativeURLs && !scenario.timestampsInMilliseconds
                && scenario.flatErrorBody)
        #expect(scenario.paymentSource == "XNO" && scenario.videoBytes == 99 && scenario.fault == .rateLimited)
        #expect(scenario.ratePerSecondMicros == 200_000)
    }

    @Test func badValuesAreIgnoredNotGuessed() {
        var scenario = Scenario()
        let ignored = scenario.apply(
            ScenarioText.pairs(
                "outcome=exploded billed_seconds=-1 final_cost=abc complete_after_ms=99999999999 fault=418"))
        #expect(ignored == ["outcome", "billed_seconds", "final_cost", "complete_after_ms", "fault"])
        #expect(scenario == Scenario())
    }

    @Test func promptsWithoutAMarkerHaveNoPairs() {
        #expect(ScenarioText.pairs(inPrompt: "a calm sea, outcome=failed").isEmpty)
    }

    @Test func faultRatesAreFractionsOfAMillion() {
        var rates = FaultRates()
        let accepted = [
            rates.apply(key: "rate_402", value: "0.1"), rates.apply(key: "rate_429", value: "0.25"),
            rates.apply(key: "rate_timeout", value: "0.000001"), rates.apply(key: "rate_5xx", value: "1.5"),
            rates.apply(key: "retry_after_seconds", value: "9"),
        ]
        #expect(accepted == [true, true, true, false, true])
        #expect(rates.fault(forDraw: 0) == .paymentRequired)
        #expect(rates.fault(forDraw: 99_999) == .paymentRequired)
        #expect(rates.fault(forDraw: 100_000) == .rateLimited)
        #expect(rates.fault(forDraw: 349_999) == .rateLimited)
        #expect(rates.fault(forDraw: 350_000) == .timeout)
        #expect(rates.fault(forDraw: 350_001) == .none)
        #expect(rates.retryAfterSeconds == 9)
    }

    @Test func seededDrawsRepeat() {
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        #expect((0..<5).map { _ in first.next() } == (0..<5).map { _ in second.next() })
    }
}
