import Basics
import Foundation
import Ledger
import Money
import Postgres
import Reports
import TestSupport
import Testing

/// The nightly report shows what fault safety leaves for people to look at: money held for
/// evidence at the end of the day, held jobs resolved without the provider's word (a release by
/// the long bound among them), and shortfalls recorded at capture.
@Suite struct HeldMoneyReportTests {
    typealias Support = ReportTestSupport

    @Test func heldMoneyResolutionsAndShortfallsAreReported() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 2)
        let ledger = Ledger(pool: pool)
        _ = try await ledger.createUser("hana")
        _ = try await ledger.topUp(key: "fund-hana", userID: "hana", amount: Money(micros: 1_000_000, currency: .usd))
        let held = try await ledger.hold(
            key: "hold-held", userID: "hana", amount: Money(micros: 300_000, currency: .usd), provider: "venice")
        let bound = try await ledger.hold(
            key: "hold-bound", userID: "hana", amount: Money(micros: 200_000, currency: .usd), provider: "aigate")
        let short = try await ledger.hold(
            key: "hold-short", userID: "hana", amount: Money(micros: 100_000, currency: .usd), provider: "nanogpt")
        _ = try await ledger.release(key: "release-bound", holdID: bound)
        // Excess 800,000 against 600,000 available.
        _ = try await ledger.capture(key: "capture-short", holdID: short, actualMicros: 900_000)
        let boundJob = UUID()
        try await pool.withSession { session in
            try session.execute(
                """
                INSERT INTO jobs (id, user_id, origin, provider, provider_model, duration_seconds, price_book_version, quoted_micros,
                                  hold_id, status, unknown_at, stalled_at, finished_at, failure_code)
                VALUES (gen_random_uuid(), 'hana', 'submit', 'venice', 'wan', 5, 'b', 300000, $1, 'unknown', now(), NULL, NULL, NULL),
                       ($3, 'hana', 'submit', 'aigate', 'kling', 5, 'b', 200000, $2, 'expired', now(), NULL, now(), 'held_bound')
                """, [held, bound, boundJob])
            try session.execute(
                """
                INSERT INTO job_resolutions (job_id, method, outcome, resolved_by, reason)
                VALUES ($1, 'bound', 'expired', 'reconciliation', 'held unknown for over 7 days without evidence')
                """, [boundJob])
        }
        let day = CalendarDay.today()
        let out = Support.temporaryDirectory("held")
        _ = try await Support.runner(pool).nightly(
            NightlyReportRequest(date: day, outputDirectory: out, formats: [.csv]))
        let heldRows = try Support.csvRows(out + "/nightly-\(day)-held_money.csv")
        #expect(heldRows.count == 1 && heldRows[0]["provider"] == "venice" && heldRows[0]["state"] == "unknown")
        #expect(heldRows.first?["held"] == "0.300000" && heldRows.first?["jobs_held"] == "1")
        let resolutions = try Support.csvRows(out + "/nightly-\(day)-held_resolutions.csv")
        #expect(
            resolutions.count == 1 && resolutions[0]["method"] == "bound"
                && resolutions[0]["job_id"] == boundJob.uuidString.lowercased())
        #expect(resolutions.first?["held"] == "0.200000" && resolutions.first?["cost"] == "")
        let shortfalls = try Support.csvRows(out + "/nightly-\(day)-shortfalls.csv")
        #expect(shortfalls.count == 1 && shortfalls[0]["user_id"] == "hana" && shortfalls[0]["shortfall"] == "0.200000")
        await pool.close()
    }
}
