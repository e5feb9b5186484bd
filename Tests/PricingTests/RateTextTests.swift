import Pricing
import Testing

/// `min_success_rate` is read from text exactly, the same way by the REST API and the CLI: a
/// decimal from 0 to 1 with at most 9 places, never through a binary fraction.
@Suite struct RateTextTests {
    @Test func decimalsFrom0To1AreExactPartsPerBillion() {
        #expect(Reliability.ppb(decimal: "0.8") == 800_000_000)
        #expect(Reliability.ppb(decimal: "0.95") == 950_000_000)
        #expect(Reliability.ppb(decimal: "1") == 1_000_000_000)
        #expect(Reliability.ppb(decimal: "1.000000000") == 1_000_000_000)
        #expect(Reliability.ppb(decimal: "0") == 0)
        #expect(Reliability.ppb(decimal: "0.000000001") == 1)
        // 0.3 has no exact binary fraction; read as text it is exactly 300,000,000.
        #expect(Reliability.ppb(decimal: "0.3") == 300_000_000)
    }

    @Test func everythingElseIsRefused() {
        for text in [
            "", "1.1", "2", "-0.1", ".5", "0.", "0.1234567891", "1e-1", "0,5", " 0.5", "0.5 ", "NaN", "inf", "01",
            "0x1", "０.5",
        ] {
            #expect(Reliability.ppb(decimal: text) == nil, "\(text)")
        }
    }
}
