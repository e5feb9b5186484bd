import Basics
import Foundation
import Ledger
import Money
import Postgres
import Reports
import TestSupport
import Testing

@Suite struct ReportRunTests {
    typealias Support = ReportTestSupport

    /// Re-running a date gives byte-identical files, even after later activity, and each run is
    /// recorded with the same checksums.
    @Test func rerunningADateGivesTheSameFiles() async throws {
        let month = try await SeededMonth.make()
        let day = CalendarDay(year: 2025, month: 3, day: 14)!
        let out = Support.temporaryDirectory("rerun")
        let runner = Support.runner(month.pool)
        let first = try await runner.nightly(NightlyReportRequest(date: day, outputDirectory: out))
        #expect(first.files.count == Support.nightlySectionCount + 3)  // a CSV per section, totals CSV, JSON, HTML
        var snapshot: [String: [UInt8]] = [:]
        for file in first.files { snapshot[file.name] = try Support.bytes(file.path) }

        // Activity after the day changes nothing in its report.
        let later = SeededMonth.Job(
            id: UUID(), userID: "alice", provider: "venice", family: "wan-2.5", quotedMicros: 900_000,
            cheapestMicros: 900_000,
            actualMicros: 950_000, providerCostMicros: nil,
            heldAt: SeededMonth.bounds(CalendarDay(year: 2025, month: 3, day: 20)!).starts + SeededMonth.microsPerHour,
            settledAt: SeededMonth.bounds(CalendarDay(year: 2025, month: 3, day: 20)!).starts + 2
                * SeededMonth.microsPerHour)
        _ = try await SeededMonth.seedMore(pool: month.pool, jobs: [later])

        let second = try await runner.nightly(NightlyReportRequest(date: day, outputDirectory: out))
        #expect(second.runID > first.runID)
        #expect(second.files.map(\.name) == first.files.map(\.name))
        #expect(second.files.map(\.sha256) == first.files.map(\.sha256))
        for file in second.files {
            #expect(try Support.bytes(file.path) == snapshot[file.name], "\(file.name)")
            #expect(try await Support.sha256(month.pool, path: file.path) == file.sha256, "\(file.name)")
        }
        // No temporary files are left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(names.allSatisfy { !$0.hasPrefix(".") }, "\(names)")

        let runs = try await month.pool.withSession { session in
            try session.query(
                """
                SELECT id, status, report_date::text, files::text, (row_counts ->> 'user_spend')::bigint,
                       totals -> 'user_spend' -> 'USD' ->> 'day_spend', parameters ->> 'date', finished_at >= started_at
                FROM report_runs ORDER BY id
                """
            ).map { row in
                (
                    try row.decode(0, as: Int64.self), try row.decode(1, as: String.self),
                    try row.decode(2, as: String.self),
                    try row.decode(3, as: String.self), try row.decode(4, as: Int64.self),
                    try row.decode(5, as: String.self),
                    try row.decode(6, as: String.self), try row.decode(7, as: Bool.self)
                )
            }
        }
        #expect(runs.count == 2)
        #expect(runs.map(\.0) == [first.runID, second.runID])
        #expect(runs.allSatisfy { $0.1 == "succeeded" && $0.2 == day.description && $0.6 == day.description && $0.7 })
        #expect(runs[0].3 == runs[1].3)  // same files, same checksums
        #expect(runs[0].4 == Int64(first.section("user_spend")!.rowCount))
        #expect(try DecimalAmount.micros(from: runs[0].5) == month.daySpend(day))
        #expect(runs[0].3.contains(first.files[0].sha256))
    }

    /// A day with no activity at all: headers only, zero totals, a well-formed page.
    @Test func anEmptyDay() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 2)
        let day = CalendarDay(year: 2025, month: 6, day: 1)!
        let out = Support.temporaryDirectory("empty")
        let outcome = try await Support.runner(pool).nightly(NightlyReportRequest(date: day, outputDirectory: out))
        #expect(outcome.sections.count == Support.nightlySectionCount)
        #expect(outcome.sections.allSatisfy { $0.rowCount == 0 && $0.totals.isEmpty })
        let records = try Support.csv(out + "/nightly-\(day)-user_spend.csv")
        #expect(
            records == [
                ["user_id", "currency", "provider", "family", "day_spend", "day_jobs", "mtd_spend", "mtd_jobs"]
            ])
        let document = try Support.json(out + "/nightly-\(day).json")
        let sections = try #require(document["sections"] as? [[String: Any]])
        #expect(sections.count == Support.nightlySectionCount)
        #expect(sections.allSatisfy { ($0["rows"] as? [Any])?.isEmpty == true && $0["row_count"] as? Int == 0 })
        let totals = try Support.csvRows(out + "/nightly-\(day)-totals.csv")
        #expect(
            totals.count == Support.nightlySectionCount
                && totals.allSatisfy { $0["column"] == "rows" && $0["total"] == "0" })
        let elements = try Support.parseXML(out + "/nightly-\(day).html")
        #expect(elements.contains("svg"))
        #expect(!elements.contains("rect"))
        #expect(try Support.text(out + "/nightly-\(day).html").contains("no data"))
        #expect(try await ledgerInvariantViolations(pool).isEmpty)
    }

    /// Jobs submitted on the day with a live quote: catalog against live per provider model;
    /// jobs without one, and other days' jobs, are left out.
    @Test func liveQuotesAgainstThePriceBook() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 2)
        try await Ledger(pool: pool).createUser("alice")
        let day = CalendarDay(year: 2025, month: 6, day: 2)!
        // (model, quoted, live, hour offset from the day's start; 25 = the next day)
        let jobs: [(String, Int64, Int64?, Int)] = [
            ("wan-2-7-text-to-video", 550_000, 500_000, 1), ("wan-2-7-text-to-video", 550_000, 550_000, 2),
            ("veo3.1-fast-text-to-video", 1_200_000, 1_300_000, 3), ("veo3.1-fast-text-to-video", 1_200_000, nil, 4),
            ("wan-2-7-text-to-video", 550_000, 100_000, 25),
        ]
        try await pool.withSession { session in
            for (model, quoted, live, hour) in jobs {
                try session.execute(
                    """
                    INSERT INTO jobs (id, user_id, origin, provider, provider_model, duration_seconds, price_book_version,
                                      quoted_micros, live_quote_micros, status, created_at)
                    VALUES ($1, 'alice', 'submit', 'venice', $2, 5, 'v1', $3, $4, 'queued',
                            ($5::date::timestamp AT TIME ZONE 'UTC') + $6::int * interval '1 hour')
                    """, [UUID(), model, quoted, live, day.description, hour])
            }
        }
        let out = Support.temporaryDirectory("live")
        _ = try await Support.runner(pool).nightly(
            NightlyReportRequest(date: day, outputDirectory: out, formats: [.csv]))
        let rows = try Support.csvRows(out + "/nightly-\(day)-live_quote_drift.csv")
        #expect(rows.map { $0["model"] ?? "" } == ["veo3.1-fast-text-to-video", "wan-2-7-text-to-video"])
        #expect(rows[0]["jobs_live_quoted"] == "1" && rows[0]["jobs_priced_differently"] == "1")
        #expect(rows[0]["catalog"] == "1.200000" && rows[0]["live"] == "1.300000" && rows[0]["drift"] == "0.100000")
        #expect(rows[0]["drift_pct"] == "8.33")
        #expect(rows[1]["jobs_live_quoted"] == "2" && rows[1]["jobs_priced_differently"] == "1")
        #expect(rows[1]["catalog"] == "1.100000" && rows[1]["live"] == "1.050000" && rows[1]["drift"] == "-0.050000")
        #expect(rows[1]["drift_pct"] == "-4.55")
        await pool.close()
    }

    /// A user whose jobs all failed: zero spend, holds released, nothing outstanding.
    @Test func aUserWithOnlyFailedJobs() async throws {
        let month = try await SharedMonth.shared.month()
        let day = CalendarDay(year: 2025, month: 3, day: 7)!  // day index 6: carol's job fails
        let carolJobs = month.jobs.filter { $0.userID == "carol" }
        #expect(!carolJobs.isEmpty && carolJobs.allSatisfy { $0.actualMicros == nil })
        let out = Support.temporaryDirectory("failed")
        _ = try await Support.runner(month.pool).nightly(
            NightlyReportRequest(date: day, outputDirectory: out, formats: [.csv, .json]))
        let summary = try Support.csvRows(out + "/nightly-\(day)-user_summary.csv")
        let carol = try #require(summary.first { $0["user_id"] == "carol" })
        #expect(carol["day_spend"] == "0.000000")
        #expect(carol["mtd_spend"] == "0.000000")
        #expect(carol["day_jobs_charged"] == "0")
        #expect(carol["day_holds_released"] == "1")
        #expect(carol["open_holds"] == "0")
        #expect(carol["open_held"] == "0.000000")
        #expect(try Support.csvRows(out + "/nightly-\(day)-user_spend.csv").allSatisfy { $0["user_id"] != "carol" })
        #expect(
            try Support.csvRows(out + "/nightly-\(day)-holds_outstanding.csv").allSatisfy { $0["user_id"] != "carol" })
        let balance = try await Ledger(pool: month.pool).balance(userID: "carol", currency: .usd)
        #expect(balance.held.micros == 0)
        #expect(balance.available.micros == 10_000_000_000)
    }

    /// The page parses as XML, carries a chart per charted section with one bar per top user,
    /// and escapes text from the data.
    @Test func theHTMLIsWellFormedAndCarriesTheChart() async throws {
        let month = try await SharedMonth.shared.month()
        let day = CalendarDay(year: 2025, month: 3, day: 21)!
        let out = Support.temporaryDirectory("html")
        _ = try await Support.runner(month.pool).nightly(
            NightlyReportRequest(date: day, outputDirectory: out, formats: [.html]))
        let path = out + "/nightly-\(day).html"
        let elements = try Support.parseXML(path)
        #expect(elements.first == "html")
        let html = try Support.text(path)
        // Counted outside comments (the template's own comment names the placeholders).
        let markup = html.split(separator: "<!--").enumerated().map { index, part in
            index == 0 ? Substring(part) : (part.range(of: "-->").map { part[$0.upperBound...] } ?? "")
        }.joined()
        func count(_ text: String) -> Int { markup.components(separatedBy: text).count - 1 }
        // Bar charts of users and providers and the month's daily spend lines, one currency;
        // then a success-rate meter per scorecard row with an outcome.
        let meters = count("<td class=\"num\"><svg")
        #expect(elements.filter { $0 == "svg" }.count == 3 + meters)
        #expect(meters > 0)
        let spenders = SeededMonth.spenders.filter { month.daySpend(day, user: $0) > 0 }.count
        let providers = Set(month.settled(on: day).map(\.provider)).count
        #expect(count("height=\"18\" fill=\"#3b6ea8\"><title>") == spenders + providers)
        // One line per provider that spent this month, each named in the legend.
        let lines = count("<polyline ")
        #expect(lines >= providers && lines == count("width=\"12\" height=\"12\""))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script") && !html.contains("href=\"http") && !html.contains("src="))
        #expect(!html.contains("<beta>"))
        #expect(!html.contains("{{"))
        // Only the report date, no run time: the page is the same on every run.
        #expect(html.contains(day.description))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["nightly-\(day).html"])
    }

    /// Text with commas, quotes and markup goes through CSV quoting and JSON escaping intact.
    @Test func awkwardTextRoundTrips() async throws {
        let month = try await SharedMonth.shared.month()
        let family = SeededMonth.families[3]!
        let day = try #require(
            (1...31).map { CalendarDay(year: 2025, month: 3, day: $0)! }.first { day in
                month.settled(on: day).contains { $0.family == family }
                    && month.settled(on: day).contains { $0.family == nil }
            })
        let out = Support.temporaryDirectory("awkward")
        _ = try await Support.runner(month.pool).nightly(
            NightlyReportRequest(date: day, outputDirectory: out, formats: [.csv, .json]))
        let rows = try Support.csvRows(out + "/nightly-\(day)-spend_by_provider.csv")
        #expect(rows.contains { $0["family"] == family })
        #expect(
            try Support.text(out + "/nightly-\(day)-spend_by_provider.csv").contains(
                "\"seedance \"\"2.0\"\", <beta> & co\""))
        let section = try Support.jsonSection(try Support.json(out + "/nightly-\(day).json"), "spend_by_provider")
        #expect((section["rows"] as? [[String: Any]])?.contains { $0["family"] as? String == family } == true)
        // A job without a family: null in JSON, an empty field in CSV (quote accuracy reads the
        // jobs themselves; the spend sections read the rollup, which says 'unknown').
        let accuracy = try Support.jsonSection(try Support.json(out + "/nightly-\(day).json"), "quote_accuracy")
        #expect((accuracy["rows"] as? [[String: Any]])?.contains { $0["family"] is NSNull } == true)
        let accuracyRows = try Support.csvRows(out + "/nightly-\(day)-quote_accuracy.csv")
        #expect(accuracyRows.contains { $0["family"] == "" })
        #expect(rows.contains { $0["family"] == "unknown" })
    }
}

extension SeededMonth {
    /// Adds jobs to an already seeded database (users exist and are funded).
    static func seedMore(pool: PostgresPool, jobs: [Job]) async throws -> [Job] {
        try await pool.transaction { session in
            var seeded: [Job] = []
            for job in jobs {
                var job = job
                let key = job.id.uuidString
                job.holdID = try LedgerStatements.hold(
                    session, key: "hold-\(key)", userID: job.userID,
                    amount: Money(micros: job.quotedMicros, currency: .usd),
                    provider: job.provider, jobID: job.id)
                var status = "running"
                if job.settledAt != nil {
                    if let actual = job.actualMicros {
                        _ = try LedgerStatements.capture(
                            session, key: "settle-\(key)", holdID: job.holdID, actualMicros: actual)
                        status = "completed"
                    } else {
                        _ = try LedgerStatements.release(session, key: "settle-\(key)", holdID: job.holdID)
                        status = "failed"
                    }
                }
                try insertJob(session, job: job, quoteID: nil, status: status)
                try backdate(session, job: job)
                seeded.append(job)
            }
            return seeded
        }
    }
}
