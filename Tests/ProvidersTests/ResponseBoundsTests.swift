import Basics
import HTTPClient
import Money
import Testing

@testable import Providers

/// Figures outside `ResponseBounds` are typed errors naming the field, never values, and the
/// arithmetic that used to trap on them (ETA products and differences, a huge negative exponent)
/// answers instead.
@Suite struct ResponseBoundsTests {
    static let nano = endpoint("https://nano-gpt.com")
    let venice = ProviderJobHandle(providerJobID: "q", model: "m")

    func reason(_ body: () throws -> Any) -> String? {
        guard case .malformedResponse(let reason) = providerError(body) else { return nil }
        return reason
    }

    @Test func etaArithmeticThatTrappedIsAnError() {
        let nanoETA = #"{"data":{"status":"IN_PROGRESS","estimatedTimeRemaining":9223372036854775807}}"#
        #expect(
            reason { try NanoGPTResponses.status(recorded(200, nanoETA), providerJobID: "v", endpoint: Self.nano) }
                == "NanoGPT video status estimatedTimeRemaining: 9223372036854775807 is out of range")
        let veniceProduct =
            #"{"status":"PROCESSING","average_execution_time":1000,"execution_duration":92233720368547758}"#
        #expect(
            reason { try VeniceResponses.status(recorded(200, veniceProduct), job: venice) }?.contains(
                "execution_duration") == true)
        let veniceDifference =
            #"{"status":"PROCESSING","average_execution_time":9223372036854775807,"execution_duration":-1}"#
        #expect(reason { try VeniceResponses.status(recorded(200, veniceDifference), job: venice) } != nil)
        let aimoDifference =
            #"{"status":"PROCESSING","average_execution_time":9223372036854775807,"execution_duration":-9223372036854775808}"#
        #expect(
            reason { try AIMOResponses.status(recorded(200, aimoDifference), providerJobID: "j") }?.contains(
                "AIMO retrieve") == true)
    }

    @Test func aMinimalNegativeExponentIsNotAnAmount() throws {
        let value = try JSONParser.parse(#"{"cost":1e-9223372036854775808}"#)
        #expect(value["cost"]?.money(.usd) == nil)
        #expect(throws: MoneyError.self) {
            try DecimalAmount.micros(from: "1e-9223372036854775808", precision: .roundHalfUp)
        }
    }

    @Test func negativeAndAbsurdCostsAreErrors() {
        let negativeFinal = #"{"data":{"status":"COMPLETED","output":{"url":"https://s/v.mp4"},"cost":-0.35}}"#
        #expect(
            reason {
                try NanoGPTResponses.status(recorded(200, negativeFinal), providerJobID: "v", endpoint: Self.nano)
            }
                == "NanoGPT video status cost: -0.35 USD is outside 0.000000...100000.000000")
        let absurdPrecharge = NanoGPTFixtures.submitUSD.replacingOccurrences(of: #""cost":0.35"#, with: #""cost":1e12"#)
        #expect(
            reason { try NanoGPTResponses.submission(recorded(202, absurdPrecharge)) }?.contains(
                "(runId vid_m1abc123def456)") == true)
        let gatewayCost = #"{"id":"v","status":"completed","usage":{"cost":"-1"}}"#
        #expect(
            reason {
                try OpenAIVideosResponses.status(recorded(200, gatewayCost), providerJobID: "v", contentURL: "u")
            }?
            .hasPrefix("/v1/videos retrieve usage.cost") == true)
        #expect(
            reason { try VeniceResponses.quote(recorded(200, #"{"quote":-0.01}"#)) }?.hasPrefix("Venice quote") == true)
        let aigateCost = AIGateFixtures.generationWithCost.replacingOccurrences(of: "0.37", with: #""NaN""#)
        #expect(
            reason { try AIGateResponses.generation(recorded(200, aigateCost)) }
                == "AIGate video generation usage.cost_usd (task task_1): 'NaN' is not an amount")
    }

    @Test func billedSecondsAndProgressAreBounded() throws {
        for seconds in ["-5", "3601", #""9223372036854775808""#, "true"] {
            let body = #"{"id":"v","status":"completed","seconds":\#(seconds)}"#
            #expect(
                reason { try OpenAIVideosResponses.status(recorded(200, body), providerJobID: "v", contentURL: "u") }
                    != nil)
        }
        let aigate = AIGateFixtures.generation.replacingOccurrences(of: #""duration": 5"#, with: #""duration": -1"#)
        #expect(
            reason { try AIGateResponses.generation(recorded(200, aigate)) }?.contains(
                "task_qZj21ARTSQzsyHoh82QBs7oPwnKvCOIu") == true)
        #expect(
            reason {
                try AIMOResponses.status(recorded(200, #"{"status":"queued","progress":101}"#), providerJobID: "j")
            } != nil)
        let fractional = try AIMOResponses.status(
            recorded(200, #"{"status":"queued","progress":42.5}"#), providerJobID: "j")
        #expect(fractional.progressPercent == 43)
        let eta = try NanoGPTResponses.status(
            recorded(200, #"{"status":"processing","estimatedTimeRemaining":"12.5"}"#), providerJobID: "v",
            endpoint: Self.nano)
        #expect(eta.etaMilliseconds == 12_500)
    }

    @Test func balancesMayBeNegativeButNotAbsurd() throws {
        #expect(
            try AIMOResponses.balance(recorded(200, #"{"balance_usd":"-2.5"}"#)).available == [
                Money(micros: -2_500_000, currency: .usdc)
            ])
        #expect(
            reason { try AIMOResponses.balance(recorded(200, #"{"balance_micro_usdc":-9223372036854775808}"#)) } != nil)
        #expect(reason { try NanoGPTResponses.balance(recorded(200, #"{"usd_balance":"1e15"}"#)) } != nil)
        let negativeCounter = AIGateFixtures.balance(used: "-1")
        #expect(
            reason { try AIGateResponses.balance(recorded(200, negativeCounter)) }?.hasPrefix(
                "AIGate balance token.used") == true)
    }

    @Test func aBadSideFigureNeverCostsAnAcceptedSubmit() throws {
        let response = recorded(200, VeniceFixtures.queue, headers: [HTTPHeader("X-Balance-Remaining", "1e30")])
        let submission = try VeniceResponses.submission(response, paymentSource: .walletBalance(.usd))
        #expect(
            submission.providerJobID == "q-1" && submission.downloadURL == "https://dl.venice.ai/x"
                && submission.remainingBalance == nil)
        let aimo = try AIMOResponses.submission(recorded(200, #"{"id":"a","variants_expected":9223372036854775807}"#))
        #expect(aimo.providerJobID == "a" && aimo.variantsExpected == nil)
    }

    @Test func providerCodesAreShortenedLikeMessages() {
        let code = String(repeating: "x", count: 10_000)
        let error = providerError {
            try AIMOResponses.submission(recorded(400, #"{"error":{"code":"\#(code)","message":"m"}}"#))
        }
        guard case .rejected(_, let shown?, _) = error else {
            Issue.record("expected a rejection with a code, got \(String(describing: error))")
            return
        }
        #expect(shown.count == ResponseBody.messageCharactersMax + 1)
    }
}
