import HTTPClient
import Logging
import Money
import Testing

@testable import Providers

/// NanoGPT amounts carry the currency of the balance that paid: an XNO-paid job's precharge,
/// final cost and remaining balance are XNO, so reconciliation compares like with like.
@Suite struct NanoGPTCurrencyTests {
    static let base = endpoint("https://nano-gpt.com")

    func xno(_ text: String) -> Money { Money(micros: (try? DecimalAmount.micros(from: text)) ?? -1, currency: .xno) }

    @Test func anXNOSubmitPrechargesInXNO() throws {
        let submission = try NanoGPTResponses.submission(recorded(202, NanoGPTFixtures.submitXNO))
        #expect(submission.paymentSource == .accountBalance(.xno))
        #expect(submission.precharge == xno("0.35"))
        #expect(submission.remainingBalance == xno("12.5"))
    }

    @Test func anXNOStatusReportsItsFinalCostInXNO() throws {
        let status = try NanoGPTResponses.status(
            recorded(200, NanoGPTFixtures.nestedCompletedXNO), providerJobID: "vid_1", endpoint: Self.base)
        #expect(status.paymentSource == .accountBalance(.xno))
        #expect(status.reportedCost == xno("1.25"))
        #expect(status.balance?.available == [xno("11.25")])
    }

    @Test func aStatusWithoutAPaymentSourceTakesTheSubmitsOne() throws {
        let response = recorded(200, NanoGPTFixtures.nestedCompleted)
        let paidInXNO = try NanoGPTResponses.status(
            response, providerJobID: "vid_1", endpoint: Self.base, paymentSource: .accountBalance(.xno))
        #expect(paidInXNO.reportedCost == xno("0.35"))
        let unknownSource = try NanoGPTResponses.status(response, providerJobID: "vid_1", endpoint: Self.base)
        #expect(unknownSource.reportedCost == usd("0.35"))
    }

    @Test func anUnknownPaymentSourceLeavesItsAmountsOut() throws {
        let body = NanoGPTFixtures.submitXNO.replacingOccurrences(of: #""XNO""#, with: #""BTC""#)
        let submission = try NanoGPTResponses.submission(recorded(202, body))
        #expect(submission.providerJobID == "vid_m1abc123def456" && submission.paymentSource == .other("BTC"))
        #expect(submission.precharge == nil && submission.remainingBalance == nil)
    }

    @Test func theAdapterPassesTheHandlesPaymentSource() async throws {
        let client = ScriptedHTTPClient([.success(recorded(200, NanoGPTFixtures.nestedCompleted))])
        let adapter = NanoGPTAdapter(
            endpoint: Self.base, apiKey: Secret("nano-key"), client: client, logger: Logger(label: "t"))
        let handle = ProviderJobHandle(providerJobID: "vid_1", model: "sora-2", paymentSource: .accountBalance(.xno))
        #expect(try await adapter.status(of: handle).reportedCost == xno("0.35"))
    }
}
