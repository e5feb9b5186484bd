import Basics
import Foundation
import Money
import Postgres
import Reports
import TestSupport
import Testing

@Suite struct NightlyReportTests {
    typealias Support = ReportTestSupport

    /// Every day of the seeded month: the CSV and JSON totals equal the ledger's sums and the
    /// seed's own figures, to the micro-unit.
    @Test func everyDayOfTheMonthAddsUpToTheLedger() async throws {
        let month = try await SharedMonth.shared.month()
        let runner = Support.runner(month.pool)
        let out = Support.temporaryDirectory("month")
        var spendingDays = 0
        for dayNumber in 1...31 {
            let day = CalendarDay(year: 2025, month: 3, day: dayNumber)!
            let outcome = try await runner.nightly(NightlyReportRequest(date: day, outputDirectory: out))
            let (starts, ends) = SeededMonth.bounds(day)
            let monthStarts = SeededMonth.bounds(day.firstOfMonth).starts
            let daySpend = month.daySpend(day)
            let mtdSpend = month.monthToDateSpend(day)
            let held = month.heldAtEnd(of: day)
            if daySpend > 0 { spendingDays += 1 }
            #expect(try await Support.ledgerSpend(month.pool, from: starts, to: ends) == daySpend, "\(day)")
            #expect(try await Support.ledgerSpend(month.pool, from: monthStarts, to: ends) == mtdSpend, "\(day)")

            let stem = out + "/nightly-\(day)"
            let summary = try Support.csvRows(stem + "-user_summary.csv")
            #expect(try Support.csvSum(summary, "day_spend") == daySpend, "\(day)")
            #expect(try Support.csvSum(summary, "mtd_spend") == mtdSpend, "\(day)")
            #expect(try Support.csvSum(summary, "open_held") == held, "\(day)")
            let byUser = try Support.csvRows(stem + "-user_spend.csv")
            #expect(try Support.csvSum(byUser, "day_spend") == daySpend, "\(day)")
            #expect(try Support.csvSum(byUser, "mtd_spend") == mtdSpend, "\(day)")
            let holds = try Support.csvRows(stem + "-holds_outstanding.csv")
            #expect(try Support.csvSum(holds, "held") == held, "\(day)")

            let document = try Support.json(stem + ".json")
            #expect((document["parameters"] as? [String: String])?["date"] == day.description)
            let jsonByProvider = try Support.jsonSection(document, "spend_by_provider")
            #expect(try Support.jsonSum(jsonByProvider, "day_spend") == daySpend, "\(day)")
            #expect(try Support.jsonSum(jsonByProvider, "mtd_spend") == mtdSpend, "\(day)")
            let jsonByUser = try Support.jsonSection(document, "user_spend")
            #expect(try Support.jsonSum(jsonByUser, "day_spend") == daySpend, "\(day)")
            let totals = (jsonByUser["totals"] as? [String: [String: Any]])?["USD"]
            if daySpend > 0 || mtdSpend > 0 {
                #expect(try Support.micros(totals?["day_spend"] as? String) == daySpend, "\(day)")
                #expect(try Support.micros(totals?["mtd_spend"] as? String) == mtdSpend, "\(day)")
            }

            let totalsCSV = try Support.csvRows(stem + "-totals.csv")
            let reported = totalsCSV.first {
                $0["section"] == "user_summary" && $0["currency"] == "USD" && $0["column"] == "day_spend"
            }
            #expect(try Support.micros(reported?["total"] ?? "0") == daySpend, "\(day)")
            #expect(outcome.section("user_spend")?.total("day_spend_micros", currency: "USD") == daySpend)
            #expect(outcome.section("holds_outstanding")?.total("held_micros", currency: "USD") == held)
        }
        #expect(spendingDays == 31)
    }

    /// Per user, the day's and the month's spend match the seed.
    @Test func perUserSpendMatchesTheJobs() async throws {
        let month = try await SharedMonth.shared.month()
        let day = CalendarDay(year: 2025, month: 3, day: 18)!
        let out = Support.temporaryDirectory("per-user")
        _ = try await Support.runner(month.pool).nightly(
            NightlyReportRequest(date: day, outputDirectory: out, formats: [.csv]))
        let summary = try Support.csvRows(out + "/nightly-\(day)-user_summary.csv")
        let byUser = try Support.csvRows(out + "/nightly-\(day)-user_spend.csv")
        for user in SeededMonth.spenders {
            let row = try #require(summary.first { $0["user_id"] == user })
            #expect(try Support.micros(row["day_spend"]) == month.daySpend(day, user: user), "\(user)")
            #expect(try Support.micros(row["mtd_spend"]) == month.monthToDateSpend(day, user: user), "\(user)")
            #expect(
                try Support.csvSum(byUser, "mtd_spend") { $0["user_id"] == user }
                    == month.monthToDateSpend(day, user: user))
        }
        // Sorted by user (byte order), then currency, provider, family.
        let users = byUser.map { $0["user_id"]! }
        #expect(users == users.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        // Money columns are six-decimal strings.
        for row in byUser {
            let amount = try #require(row["day_spend"])
            #expect(amount.split(separator: ".").last?.count == 6, "\(amount)")
        }
        // February's jobs are not in March's month to date.
        let firstDay = CalendarDay(year: 2025, month: 3, day: 1)!
        _ = try await Support.runner(month.pool).nightly(
            NightlyReportRequest(date: firstDay, outputDirectory: out, formats: [.csv]))
        let first = try Support.csvRows(out + "/nightly-\(firstDay)-user_summary.csv")
        let firstMonthToDate = try Support.csvSum(first, "mtd_spend")
        #expect(firstMonthToDate == (try Support.csvSum(first, "day_spend")))
    }

    /// Quote accuracy, savings and drift against the jobs settled on the day.
    @Test func quoteAccuracySavingsAndDrift() async throws {
        let month = try await SharedMonth.shared.month()
        let day = month.driftDay
        let out = Support.temporaryDirectory("accuracy")
        _ = try await Support.runner(month.pool).nightly(
            NightlyReportRequest(date: day, outputDirectory: out, formats: [.json]))
        let document = try Support.json(out + "/nightly-\(day).json")
        let settled = month.settled(on: day)
        #expect(!settled.isEmpty)

        let accuracy = try Support.jsonSection(document, "quote_accuracy")
        #expect(try Support.jsonSum(accuracy, "quoted") == settled.reduce(0) { $0 + $1.quotedMicros })
        #expect(try Support.jsonSum(accuracy, "actual") == settled.reduce(0) { $0 + $1.actualMicros! })
        #expect(try Support.jsonSum(accuracy, "error") == settled.reduce(0) { $0 + $1.actualMicros! - $1.quotedMicros })
        let accuracyRows = accuracy["rows"] as? [[String: Any]] ?? []
        #expect(accuracyRows.reduce(0) { $0 + (($1["jobs"] as? Int) ?? 0) } == settled.count)

        let savings = try Support.jsonSection(document, "savings")
        let withCheapest = settled.filter { $0.cheapestMicros != nil }
        #expect(
            try Support.jsonSum(savings, "above_cheapest")
                == withCheapest.reduce(0) { $0 + $1.quotedMicros - $1.cheapestMicros! })
        #expect(try Support.jsonSum(savings, "cheapest") == withCheapest.reduce(0) { $0 + $1.cheapestMicros! })
        let savingsRows = savings["rows"] as? [[String: Any]] ?? []
        #expect(
            savingsRows.reduce(0) { $0 + (($1["jobs_on_cheapest"] as? Int) ?? 0) }
                == withCheapest.filter { $0.quotedMicros == $0.cheapestMicros }.count)

        let drift = try Support.jsonSection(document, "provider_drift")
        let nanogpt = try #require(
            (drift["rows"] as? [[String: Any]])?.first { $0["provider"] as? String == "nanogpt" })
        #expect(nanogpt["balance_drift"] as? String == "0.500000")
        #expect(nanogpt["cost_drift"] as? String == "0.000000")
        let nanogptJobs = settled.filter { $0.provider == "nanogpt" }
        #expect(nanogptJobs.count >= 2)
        #expect(nanogpt["jobs_with_provider_cost"] as? Int == nanogptJobs.count)
        #expect(try Support.micros(nanogpt["charges"] as? String) == month.driftWindowCharges)
        #expect(
            try Support.micros(nanogpt["provider_spend"] as? String) == month.driftWindowCharges
                + SeededMonth.driftMicros)
    }

    /// Holds made before midnight and settled after it are outstanding at the end of the day.
    @Test func holdsAcrossMidnightAreOutstanding() async throws {
        let month = try await SharedMonth.shared.month()
        let day = CalendarDay(year: 2025, month: 3, day: 3)!  // day % 5 == 2 (0-based): jobs held at 23:50
        let out = Support.temporaryDirectory("midnight")
        let outcome = try await Support.runner(month.pool).nightly(
            NightlyReportRequest(date: day, outputDirectory: out, formats: [.csv]))
        let held = month.heldAtEnd(of: day)
        #expect(held > 0)
        #expect(outcome.section("holds_outstanding")?.total("held_micros", currency: "USD") == held)
        let rows = try Support.csvRows(out + "/nightly-\(day)-holds_outstanding.csv")
        #expect(Set(rows.map { $0["user_id"]! }) == Set(SeededMonth.spenders))
        #expect(rows.allSatisfy { $0["oldest_hold_at"]?.hasPrefix("\(day)T23:50") == true })
    }
}
