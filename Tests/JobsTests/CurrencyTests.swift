import Foundation
import Postgres
import TestSupport
import Testing

@testable import Jobs

/// Each amount is stored in the currency it is in: a NanoGPT job paid from an XNO balance
/// records its precharge and adjustment in XNO, and reconciliation compares XNO balances with
/// XNO charges, while the user is charged the price book in USD.
@Suite struct CurrencyTests {
    @Test func anXNOPaidNanoGPTJobSettlesAndReconcilesLikeWithLike() async throws {
        try await JobsHarness.with { harness in
            let reconciler = harness.reconciler()
            let from = Date().addingTimeInterval(-5)
            _ = try await reconciler.run(from: from, to: Date())
            let outcome = try await harness.submit(
                Specs.nanoGPT("payment_source=XNO billed_seconds=6"), provider: "nanogpt")
            #expect(outcome.job.paymentSource == "XNO")
            let job = try #require(try await harness.settle([outcome.job.id]).first)
            #expect(job.status == .completed && job.currency == "USD")
            #expect(job.actualMicros == job.computedMicros, "the user pays the price book in USD, not an XNO figure")
            #expect(job.providerCostCurrency == "XNO" && job.providerCostMicros == 600_000)
            let charges = try await harness.pool.withSession { session in
                try session.query(
                    "SELECT kind, currency, amount_micros FROM provider_charges WHERE job_id = $1 ORDER BY id", [job.id]
                )
                .map {
                    "\(try $0.decode(0, as: String.self)) \(try $0.decode(1, as: String.self)) \(try $0.decode(2, as: Int64.self))"
                }
            }
            // The simulator charges XNO 1:1 at 0.10 a second: 0.50 precharged for 5 s, 0.60 for 6 billed.
            #expect(charges == ["precharge XNO 500000", "adjustment XNO 100000"], "\(charges)")
            let report = try await reconciler.run(from: from, to: Date())
            #expect(
                !report.findings.contains { $0.kind == "balance_drift" && $0.currency == "XNO" }, "\(report.findings)")
            #expect(!report.findings.contains { $0.kind == "invariant_violation" })
            try await harness.expectInvariants()
        }
    }
}
