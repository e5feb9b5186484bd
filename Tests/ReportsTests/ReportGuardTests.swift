import Basics
import Foundation
import Money
import Postgres
import Reports
import Synchronization
import TestSupport
import Testing

@Suite struct ReportGuardTests {
    typealias Support = ReportTestSupport

    /// One user's spend over a range equals the ledger's sum for that user and range.
    @Test func spendReportOverARange() async throws {
        let month = try await SharedMonth.shared.month()
        let from = CalendarDay(year: 2025, month: 3, day: 10)!
        let to = CalendarDay(year: 2025, month: 3, day: 16)!
        let out = Support.temporaryDirectory("spend")
        let request = try SpendReportRequest(userID: "bob", from: from, to: to, outputDirectory: out)
        let outcome = try await Support.runner(month.pool).spend(request)
        let starts = SeededMonth.bounds(from).starts
        let ends = SeededMonth.bounds(to).ends
        let expected = month.spend(from: starts, to: ends, user: "bob")
        #expect(expected > 0)
        #expect(try await Support.ledgerSpend(month.pool, from: starts, to: ends, user: "bob") == expected)
        let stem = out + "/spend-bob-\(from)-\(to)"
        let byDay = try Support.csvRows(stem + "-spend_by_day.csv")
        #expect(try Support.csvSum(byDay, "spend") == expected)
        #expect(Set(byDay.map { $0["day"]! }).allSatisfy { $0 >= from.description && $0 <= to.description })
        let document = try Support.json(stem + ".json")
        #expect(try Support.jsonSum(try Support.jsonSection(document, "spend_by_provider"), "spend") == expected)
        #expect(
            outcome.section("holds_outstanding")?.total("held_micros", currency: "USD")
                == month.heldAtEnd(of: to, user: "bob"))
        let elements = try Support.parseXML(stem + ".html")
        #expect(elements.contains("rect"))
        let recorded = try await month.pool.withSession { session in
            try session.query(
                "SELECT kind, user_id, range_from::text, range_to::text, status FROM report_runs WHERE id = $1",
                [outcome.runID]
            )
            .map { try [$0.decode(0, as: String.self), $0.decode(1), $0.decode(2), $0.decode(3), $0.decode(4)] }
        }
        #expect(recorded == [["spend", "bob", from.description, to.description, "succeeded"]])
    }

    @Test func refusesBadRequests() async throws {
        let month = try await SharedMonth.shared.month()
        let runner = Support.runner(month.pool)
        let day = CalendarDay(year: 2025, month: 3, day: 10)!
        let out = Support.temporaryDirectory("bad")
        await #expect(throws: ReportError.unknownUser("nobody")) {
            try await runner.spend(try SpendReportRequest(userID: "nobody", from: day, to: day, outputDirectory: out))
        }
        #expect(throws: ReportError.rangeReversed(from: day, to: day.adding(days: -1)!)) {
            try SpendReportRequest(userID: "bob", from: day, to: day.adding(days: -1)!, outputDirectory: out)
        }
        #expect(throws: ReportError.rangeTooLong(days: 367, daysMax: 366)) {
            try SpendReportRequest(userID: "bob", from: day, to: day.adding(days: 366)!, outputDirectory: out)
        }
        #expect(throws: ReportError.dayNotOver(day)) {
            try NightlyReportRequest(date: day, outputDirectory: out).requireFinished(today: day)
        }
        try NightlyReportRequest(date: day, outputDirectory: out).requireFinished(today: day.adding(days: 1)!)

        // --out under a regular file cannot be a folder.
        let file = out + "/plain-file"
        _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        for bad in [file, file + "/below"] {
            await #expect {
                try await runner.nightly(NightlyReportRequest(date: day, outputDirectory: bad))
            } throws: { error in
                guard case .outputNotWritable = error as? ReportError else { return false }
                return true
            }
        }
        // Nothing was recorded for runs refused before they started.
        let runs = try await month.pool.withSession { session in
            try session.query(
                "SELECT count(*) FROM report_runs WHERE parameters ->> 'output_directory' LIKE $1", [out + "%"])[0]
                .decode(0, as: Int64.self)
        }
        #expect(runs == 0)
    }

    /// The spend sections read the daily rollup, which each settlement keeps in its own
    /// transaction. Should it ever drift from the journal (a hand edit, a restore from
    /// elsewhere), the control totals, summed from the journal itself, catch it: the run fails
    /// and no file is published. A second job on one hold, which would attribute its spend twice,
    /// is refused by the schema (migration 0008).
    @Test func aRollupThatDriftsFromTheJournalFailsTheRunAndPublishesNothing() async throws {
        let month = try await SeededMonth.make()
        let day = CalendarDay(year: 2025, month: 3, day: 9)!
        let victim = try #require(month.settled(on: day).first)
        let duplicate = SeededMonth.Job(
            id: UUID(), userID: victim.userID, provider: victim.provider, family: "duplicate",
            quotedMicros: victim.quotedMicros,
            cheapestMicros: nil, actualMicros: victim.actualMicros, providerCostMicros: nil, heldAt: victim.heldAt,
            settledAt: victim.settledAt, holdID: victim.holdID)
        await #expect(throws: PostgresError.self) {
            try await month.pool.withSession { session in
                try SeededMonth.insertJob(session, job: duplicate, quoteID: nil, status: "completed")
            }
        }
        try await month.pool.withSession { session in
            let changed = try session.execute(
                """
                UPDATE user_spend_daily SET spent_micros = spent_micros + $1
                WHERE ctid = (SELECT ctid FROM user_spend_daily WHERE user_id = $2 AND day = $3::date LIMIT 1)
                """, [victim.actualMicros!, victim.userID, day.description])
            #expect(changed == 1)
        }
        let out = Support.temporaryDirectory("double")
        var failure: ReportError?
        do {
            _ = try await Support.runner(month.pool).nightly(NightlyReportRequest(date: day, outputDirectory: out))
        } catch {
            failure = error
        }
        guard case .controlTotalMismatch(let section, let column, let currency, let ledger, let report) = failure else {
            Issue.record("expected a control total mismatch, got \(String(describing: failure))")
            return
        }
        #expect(section == "user_summary" && column == "day_spend_micros" && currency == "USD")
        #expect(report - ledger == victim.actualMicros!)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
        let status = try await month.pool.withSession { session in
            try session.query("SELECT status, error FROM report_runs").map {
                try [$0.decode(0, as: String.self), $0.decode(1, as: String.self)]
            }
        }
        #expect(status.count == 1 && status[0][0] == "failed" && status[0][1].contains("user_summary"))
    }

    /// A definition edited to drop rows is caught the same way; a bad template or chart is
    /// refused before anything runs.
    @Test func editedDefinitionsAreChecked() async throws {
        let month = try await SharedMonth.shared.month()
        let day = CalendarDay(year: 2025, month: 3, day: 11)!
        let definitions = try copyDefinitions()
        let path = definitions + "/nightly/30_spend_by_provider.sql"
        let original = try Support.text(path)
        try original.replacingOccurrences(of: "WHERE s.day >=", with: "WHERE s.provider <> 'aimo' AND s.day >=")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let runner = Support.runner(month.pool, definitions: definitions)
        await #expect {
            try await runner.nightly(
                NightlyReportRequest(date: day, outputDirectory: Support.temporaryDirectory("edited")))
        } throws: { error in
            guard case .controlTotalMismatch(let section, _, _, _, _) = error as? ReportError else { return false }
            return section == "spend_by_provider"
        }
        try original.write(toFile: path, atomically: true, encoding: .utf8)

        let template = definitions + "/report.html"
        try "<html>{{title}} {{nope}}</html>".write(toFile: template, atomically: true, encoding: .utf8)
        #expect(throws: ReportError.self) { try ReportDefinitions.load(directory: definitions, kind: .nightly) }
        try "<html><body>{{summary}}</body></html>".write(toFile: template, atomically: true, encoding: .utf8)
        #expect(
            try ReportDefinitions.load(directory: definitions, kind: .nightly).sections.count
                == Support.nightlySectionCount)

        try "-- chart: top many user_id\nSELECT 1".write(
            toFile: definitions + "/nightly/99_broken.sql", atomically: true, encoding: .utf8)
        #expect(throws: ReportError.self) { try ReportDefinitions.load(directory: definitions, kind: .nightly) }
        try FileManager.default.removeItem(atPath: definitions + "/nightly/99_broken.sql")

        // A new section is picked up without touching Swift: a count per provider.
        try """
        -- title: Jobs per provider
        SELECT provider, count(*) AS jobs FROM jobs WHERE $1::date IS NOT NULL GROUP BY provider ORDER BY provider COLLATE "C"
        """.write(toFile: definitions + "/nightly/80_jobs_per_provider.sql", atomically: true, encoding: .utf8)
        let outcome = try await runner.nightly(
            NightlyReportRequest(date: day, outputDirectory: Support.temporaryDirectory("added")))
        let added = try #require(outcome.section("jobs_per_provider"))
        #expect(added.rowCount == 5)
        #expect(
            added.totals == [
                ReportTotal(currency: "all", column: "jobs", value: Int64(month.jobs.count), isMoney: false)
            ])

        #expect(throws: ReportError.definitionsMissing(path: "/nonexistent/nightly")) {
            try ReportDefinitions.load(directory: "/nonexistent", kind: .nightly)
        }
    }

    /// Progress hears every section, in order, then the end.
    @Test func progressIsReported() async throws {
        let month = try await SharedMonth.shared.month()
        let progress = RecordingProgress()
        _ = try await Support.runner(month.pool).nightly(
            NightlyReportRequest(
                date: CalendarDay(year: 2025, month: 3, day: 5)!,
                outputDirectory: Support.temporaryDirectory("progress"),
                formats: [.json]),
            progress: progress)
        let events = progress.events.withLock { $0 }
        #expect(events.first == "started \(Support.nightlySectionCount)")
        #expect(events.filter { $0.hasPrefix("finished section") }.count == Support.nightlySectionCount)
        #expect(events.last == "finished")
    }

    private func copyDefinitions() throws -> String {
        let copy = Support.temporaryDirectory("definitions") + "/reports"
        try FileManager.default.copyItem(atPath: Support.reportsDirectory, toPath: copy)
        return copy
    }
}

final class RecordingProgress: ReportProgress {
    let events = Mutex<[String]>([])
    func started(sections: [String]) { events.withLock { $0.append("started \(sections.count)") } }
    func rowsStreamed(section index: Int, rows: Int) {}
    func sectionFinished(section index: Int, rows: Int) { events.withLock { $0.append("finished section \(index)") } }
    func finished() { events.withLock { $0.append("finished") } }
}
