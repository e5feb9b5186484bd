import HTTPClient
import Money
import Testing

@testable import Providers

/// Every adapter's parsers against thousands of seeded mutations of the recorded answers its
/// tests use (submit, status in each state, balance, errors, 402 bodies): each result is a value
/// within `ResponseBounds` or a typed `ProviderError`, never a trap.
@Suite struct AdapterFuzzTests {
    static let casesPerAdapter = 2_000

    @Test func aimo() {
        Fuzz.run("AIMO", seed: 0xA1A0_0000, cases: Self.casesPerAdapter, corpus: AIMOFixtures.responses) { response in
            BoundsCheck.outcome(
                { () throws(ProviderError) in try AIMOResponses.submission(response) }, BoundsCheck.submission)
                + BoundsCheck.outcome(
                    { () throws(ProviderError) in try AIMOResponses.status(response, providerJobID: "j") },
                    BoundsCheck.status)
                + BoundsCheck.outcome({ () throws(ProviderError) in try AIMOResponses.balance(response) }) {
                    BoundsCheck.snapshot($0, "balance")
                }
        }
    }

    @Test func openAIVideosGateway() {
        Fuzz.run("/v1/videos", seed: 0x0A1_0000, cases: Self.casesPerAdapter, corpus: OpenAIVideosFixtures.responses) {
            response in
            BoundsCheck.outcome(
                { () throws(ProviderError) in try OpenAIVideosResponses.submission(response) }, BoundsCheck.submission)
                + BoundsCheck.outcome(
                    { () throws(ProviderError) in
                        try OpenAIVideosResponses.status(
                            response, providerJobID: "v", contentURL: "https://g/v/content")
                    },
                    BoundsCheck.status)
        }
    }

    @Test func venice() {
        let job = ProviderJobHandle(providerJobID: "q-1", model: "m", downloadURL: "https://dl.venice.ai/x")
        Fuzz.run("Venice", seed: 0x7E_0000, cases: Self.casesPerAdapter, corpus: VeniceFixtures.responses) { response in
            BoundsCheck.outcome(
                { () throws(ProviderError) in
                    try VeniceResponses.submission(response, paymentSource: .walletBalance(.usd))
                }, BoundsCheck.submission)
                + BoundsCheck.outcome(
                    { () throws(ProviderError) in try VeniceResponses.status(response, job: job) }, BoundsCheck.status)
                + BoundsCheck.outcome({ () throws(ProviderError) in try VeniceResponses.quote(response) }) {
                    BoundsCheck.cost($0, "quote")
                }
                + BoundsCheck.outcome({ () throws(ProviderError) in try VeniceResponses.apiKeyBalance(response) }) {
                    BoundsCheck.snapshot($0, "balance")
                }
                + BoundsCheck.outcome({ () throws(ProviderError) in try VeniceResponses.walletBalance(response) }) {
                    BoundsCheck.snapshot($0, "wallet")
                }
        }
    }

    @Test func nanoGPT() {
        let base = endpoint("https://nano-gpt.com")
        let requests = NanoGPTRequests(endpoint: base, apiKey: Secret("nano-key"))
        let sources: [PaymentSource?] = [nil, .accountBalance(.usd), .accountBalance(.xno), .other("BTC")]
        Fuzz.run("NanoGPT", seed: 0x4A40_0000, cases: Self.casesPerAdapter, corpus: NanoGPTFixtures.responses) {
            response in
            let submitted = sources[response.body.count % sources.count]
            return BoundsCheck.outcome({ () throws(ProviderError) in try NanoGPTResponses.submission(response) }) {
                submission in
                BoundsCheck.submission(submission)
                    + Self.currencies(
                        [submission.precharge, submission.remainingBalance], source: submission.paymentSource)
            }
                + BoundsCheck.outcome(
                    { () throws(ProviderError) in
                        try NanoGPTResponses.status(
                            response, providerJobID: "vid_1", endpoint: base, paymentSource: submitted)
                    }
                ) { status in
                    // Fetching a result must never hand the key to another origin, whatever the URL.
                    let leaks = status.resultURLs.filter { url in
                        let request = requests.content(url: url, responseBytesMax: 1)
                        return !request.headers.isEmpty && !base.isSameOrigin(request.url)
                    }
                    return BoundsCheck.status(status)
                        + Self.currencies(
                            [status.reportedCost] + (status.balance?.available ?? []), source: status.paymentSource)
                        + leaks.map { "key sent with \($0)" }
                }
                + BoundsCheck.outcome({ () throws(ProviderError) in try NanoGPTResponses.balance(response) }) {
                    BoundsCheck.snapshot($0, "balance")
                }
        }
    }

    @Test func aigate() {
        Fuzz.run("AIGate", seed: 0xA16A_7E00, cases: Self.casesPerAdapter, corpus: AIGateFixtures.responses) {
            response in
            BoundsCheck.outcome(
                { () throws(ProviderError) in try AIGateResponses.generation(response) }, BoundsCheck.status)
                + BoundsCheck.outcome({ () throws(ProviderError) in try AIGateResponses.balance(response) }) {
                    BoundsCheck.snapshot($0, "balance")
                }
        }
    }

    /// NanoGPT amounts are in the paying balance's currency: USD when none is named.
    static func currencies(_ amounts: [Money?], source: PaymentSource?) -> [String] {
        let expected = NanoGPTResponses.amountCurrency(source)
        return amounts.compactMap { $0 }.filter { $0.currency != expected }.map {
            "\($0) from a \(String(describing: source)) balance"
        }
    }
}
