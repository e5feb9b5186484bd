import Foundation
import Jobs
import TestSupport
import Testing

/// A job keeps whether its quote rests on a rate the price books flag as uncertain, so the
/// nightly quote accuracy can count those jobs apart.
@Suite struct QuoteConflictTests {
    @Test func aJobKeepsWhetherItsQuoteRestsOnAFlaggedRate() async throws {
        try await JobsHarness.with { harness in
            // NanoGPT's Veo 2 rate is flagged: its sources disagree, and the higher one is quoted.
            let flagged = try await harness.submit(Specs.nanoGPT(), provider: "nanogpt")
            let plain = try await harness.submit(Specs.aimo(), provider: "aimo")
            #expect(
                try await harness.count(
                    "SELECT count(*)::int FROM jobs WHERE id = $1 AND quote_conflict", [flagged.job.id])
                    == 1)
            #expect(
                try await harness.count(
                    "SELECT count(*)::int FROM jobs WHERE id = $1 AND NOT quote_conflict", [plain.job.id])
                    == 1)
        }
    }
}
