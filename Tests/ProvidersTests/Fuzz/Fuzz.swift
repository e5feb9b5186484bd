import Foundation
import HTTPClient
import Testing

/// Runs seeded mutations of recorded responses through a parser check.
///
/// Case `i` of a run draws everything (which recorded response, which mutations) from
/// `SplitMix64(seed: seed + i)`, so a failure names the one seed that replays it:
/// `PROVIDERS_FUZZ_SEED=<seed> PROVIDERS_FUZZ_CASES=1 swift test --filter <suite>`. A trap stops
/// the process instead of failing a check; rerunning the same suite reproduces it, since the
/// default seeds are fixed. `PROVIDERS_FUZZ_SEED` alone explores other seeds.
enum Fuzz {
    /// Failures reported in full per run; the rest are counted.
    static let failuresReportedMax = 5

    static func run(_ name: String, seed: UInt64, cases: Int, corpus: [HTTPResponse], check: (HTTPResponse) -> [String])
    {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["PROVIDERS_FUZZ_SEED"].flatMap { UInt64($0) } ?? seed
        let count = environment["PROVIDERS_FUZZ_CASES"].flatMap { Int($0) } ?? cases
        var failures = 0
        for index in 0..<count {
            let caseSeed = base &+ UInt64(index)
            var random = SplitMix64(seed: caseSeed)
            let mutated = ResponseMutator.mutate(random.element(of: corpus), using: &random)
            let violations = check(mutated)
            guard !violations.isEmpty else { continue }
            failures += 1
            if failures <= failuresReportedMax {
                Issue.record(
                    "\(name) fuzz, seed \(caseSeed): \(violations.joined(separator: "; ")) — HTTP \(mutated.status), body \(preview(mutated.body))"
                )
            }
        }
        if failures > failuresReportedMax {
            Issue.record("\(name) fuzz: \(failures) failing cases of \(count) from seed \(base)")
        }
    }

    static func preview(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return body.count > 300 ? "\(text)… (\(body.count) bytes)" : text
    }
}
