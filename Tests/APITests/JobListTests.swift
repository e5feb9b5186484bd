import Foundation
import Postgres
import Testing

@Suite struct JobListTests {
    @Test func filtersSelectTheMatchingJobsNewestFirst() async throws {
        let server = try await APITestServer.start()
        for user in ["fay", "gus"] { _ = try await server.request(.put, "/v1/users/\(user)", body: "{}") }
        let providers = ["aimo", "venice", "nanogpt"]
        let statuses = ["completed", "failed", "running"]
        for index in 0..<18 {
            try await JobFixture(
                userID: index % 2 == 0 ? "fay" : "gus", provider: providers[index % 3],
                family: index % 4 == 0 ? nil : "veo-3.1-fast", status: statuses[(index / 3) % 3],
                actualMicros: index % 3 == 0 ? 900_001 : nil, createdSecondsAgo: 3_600 * index
            ).insert(server.pool)
        }
        let all = try await jobs(server, "/v1/jobs?limit=500")
        #expect(all.count == 18)
        let created = all.compactMap { $0["created_at"] as? String }
        #expect(created == created.sorted(by: >))

        let fay = try await jobs(server, "/v1/jobs?user_id=fay")
        #expect(fay.count == 9 && fay.allSatisfy { $0["user_id"] as? String == "fay" })
        let venice = try await jobs(server, "/v1/jobs?provider=venice&status=failed,running")
        #expect(
            !venice.isEmpty
                && venice.allSatisfy { $0["provider"] as? String == "venice" && $0["status"] as? String != "completed" }
        )
        let family = try await jobs(server, "/v1/jobs?family=veo-3.1-fast")
        #expect(family.count == 18 - 5)
        // Created between 4 h 30 s and 10 h 30 s ago: indexes 5...10 (from inclusive, to exclusive).
        let now = Date()
        let from = iso(now.addingTimeInterval(-10 * 3_600 - 30))
        let to = iso(now.addingTimeInterval(-4 * 3_600 - 30))
        let window = try await jobs(server, "/v1/jobs?from=\(from)&to=\(to)")
        #expect(window.count == 6)

        let one = try #require(all.first { $0["actual"] is String })
        #expect(one["actual"] as? String == "0.900001")
        #expect(one["quoted"] as? String == "0.800000")
        #expect(one["quote_error"] as? String == "0.100001")
        await server.stop()
    }

    @Test func pagesStayStableWhileNewJobsArrive() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/hal", body: "{}")
        var expected: [String] = []
        for index in 0..<40 {
            let fixture = JobFixture(userID: "hal", createdSecondsAgo: 100 + index / 4)  // four jobs share each second
            expected.append(fixture.id.uuidString.lowercased())
            try await fixture.insert(server.pool)
        }
        // Ties on created_at: make some exactly equal to the microsecond, so only the id orders them.
        try await server.pool.withSession { session in
            try session.execute("UPDATE jobs SET created_at = date_trunc('second', created_at)")
        }
        var seen: [String] = []
        var keys: [(String, String)] = []
        var cursor: String?
        var pages = 0
        repeat {
            let path = "/v1/jobs?user_id=hal&limit=7" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try await server.request(.get, path, token: .read)
            #expect(page.status == 200)
            let jobs = try #require(page.json["jobs"] as? [[String: Any]])
            seen += jobs.compactMap { $0["id"] as? String }
            keys += jobs.compactMap { job in
                (job["created_at"] as? String).flatMap { c in (job["id"] as? String).map { (c, $0) } }
            }
            cursor = page.json["next_cursor"] as? String
            pages += 1
            // New jobs keep arriving between pages; they are newer than every cursor.
            try await JobFixture(userID: "hal", createdSecondsAgo: 0).insert(server.pool)
        } while cursor != nil && pages < 20
        #expect(pages == 6)
        #expect(seen.count == 40)
        #expect(Set(seen) == Set(expected))
        for (earlier, later) in zip(keys, keys.dropFirst()) {
            #expect(
                earlier.0 > later.0 || (earlier.0 == later.0 && earlier.1 > later.1), "order \(earlier) then \(later)")
        }
        await server.stop()
    }

    @Test func badFiltersAre400sNamingTheParameter() async throws {
        let server = try await APITestServer.start()
        let cases: [(String, String)] = [
            ("status=bogus", "invalid_status"), ("status=queued,,running", "invalid_status"),
            ("limit=0", "invalid_limit"), ("limit=501", "invalid_limit"), ("limit=ten", "invalid_limit"),
            ("from=yesterday", "invalid_from"), ("to=2026-03-01T25:00:00Z", "invalid_to"), ("from=", "invalid_from"),
            ("cursor=not%20a%20cursor", "invalid_cursor"),
            ("cursor=\(String(repeating: "A", count: 300))", "invalid_cursor"),
            ("provider=acme", "invalid_provider"),
            ("provider=Not_A_Provider", "invalid_provider"), ("user_id=has%20space", "invalid_user_id"),
            ("family=%2F%2F", "invalid_family"),
        ]
        for (query, code) in cases {
            let response = try await server.request(.get, "/v1/jobs?" + query, token: .read)
            #expect(response.status == 400, "\(query): \(response.body)")
            #expect(errorCode(response.json) == code, "\(query): \(response.body)")
        }
        // Each of the right form, unacceptable as given: 422.
        for (query, code) in [
            ("from=2026-02-30", "invalid_from"), ("from=2026-03-02&to=2026-03-01", "invalid_to"),
            ("cursor=not-a-cursor", "invalid_cursor"),
        ] {
            let response = try await server.request(.get, "/v1/jobs?" + query, token: .read)
            #expect(response.status == 422, "\(query): \(response.body)")
            #expect(errorCode(response.json) == code, "\(query): \(response.body)")
        }
        await server.stop()
    }

    /// A read token can forge any cursor: extreme and out-of-range instants are refused before
    /// any SQL (422: well-formed text, not a cursor this API wrote), and the service keeps
    /// answering (an overflow used to trap and take the whole process down).
    @Test func hostileCursorsAreRefusedAndNeverTrap() async throws {
        let server = try await APITestServer.start()
        func forge(_ plain: String) -> String {
            Data(plain.utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                    of: "=", with: "")
        }
        let id = UUID().uuidString.lowercased()
        // -62_167_219_200_000_000 is year 0, -9e18 year -283,000, 253_402_300_800_000_000 year 10000.
        let hostile: [Int64] = [
            .max, .min, .min + 1, .max - 1, -62_167_219_200_000_000, -9_000_000_000_000_000_000, -1,
            253_402_300_800_000_000,
        ]
        for micros in hostile {
            let response = try await server.request(
                .get, "/v1/jobs?cursor=\(forge("j1:\(micros):\(id)"))", token: .read)
            #expect(response.status == 422, "\(micros): \(response.body)")
            #expect(errorCode(response.json) == "invalid_cursor", "\(micros)")
        }
        for plain in [
            "j1:99999999999999999999:\(id)", "j1:-0:\(id)", "j1:+5:\(id)", "j1:5:not-a-uuid", "j2:5:\(id)", "j1:5",
        ] {
            let response = try await server.request(.get, "/v1/jobs?cursor=\(forge(plain))", token: .read)
            #expect(response.status == 422, "\(plain): \(response.body)")
            #expect(errorCode(response.json) == "invalid_cursor")
        }
        // A cursor in range still pages.
        let fine = try await server.request(.get, "/v1/jobs?cursor=\(forge("j1:1700000000000000:\(id)"))", token: .read)
        #expect(fine.status == 200, "\(fine.body)")
        await server.stop()
    }

    /// A stalled job (migration 0010) is listed, filtered and counted like every other status,
    /// and fits the document.
    @Test func stalledJobsAreListedFilteredAndCounted() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/sal", body: "{}")
        try await JobFixture(userID: "sal", status: "stalled").insert(server.pool)
        try await JobFixture(userID: "sal", status: "queued").insert(server.pool)
        let stalled = try await jobs(server, "/v1/jobs?status=stalled")
        #expect(stalled.count == 1 && stalled.first?["status"] as? String == "stalled")
        let overview = try await server.request(.get, "/v1/providers", token: .read)
        let venice = (overview.json["providers"] as? [[String: Any]])?.first { $0["provider"] as? String == "venice" }
        #expect((venice?["jobs_by_status"] as? [String: Int])?["stalled"] == 1)
        await server.stop()
    }

    private func jobs(_ server: APITestServer, _ path: String) async throws -> [[String: Any]] {
        let response = try await server.request(.get, path, token: .read)
        #expect(response.status == 200, "\(path): \(response.body)")
        return response.json["jobs"] as? [[String: Any]] ?? []
    }

    private func iso(_ date: Date) -> String {
        PostgresTimestamp(date).postgresText
    }
}
