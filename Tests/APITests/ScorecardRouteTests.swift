import Foundation
import Jobs
import Pricing
import TestSupport
import Testing

/// `GET /v1/providers/scorecards` and `rank=` on the quote routes, over jobs written to a real
/// database; every answer is checked against the OpenAPI document by the test server.
@Suite struct ScorecardRouteTests {
    @Test func scorecardsAndRankedQuotes() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/erin", body: "{}")
        // AIMO (0.64 for veo-3.1-fast 8 s 720p) fails 9 of 12; Venice (0.88) completes 12 of 12.
        for index in 0..<12 {
            try await JobFixture(
                userID: "erin", provider: "aimo", model: "veo-3.1-fast", status: index < 9 ? "failed" : "completed",
                quotedMicros: 640_000, actualMicros: index < 9 ? nil : 650_000, createdSecondsAgo: 600 + index
            ).insert(server.pool)
            try await JobFixture(
                userID: "erin", provider: "venice", status: "completed", quotedMicros: 880_000,
                createdSecondsAgo: 600 + index
            ).insert(server.pool)
        }
        try await JobFixture(
            userID: "erin", provider: "aimo", model: "veo-3.1-fast", status: "stalled", quotedMicros: 640_000
        ).insert(server.pool)

        // Before the first refresh: priors only, generation 0; rank=expected picks what price does.
        let before = try await server.request(.get, "/v1/providers/scorecards", token: .read)
        #expect(before.status == 200)
        #expect(before.json["generation"] as? Int == 0)
        let spec = "family=veo-3.1-fast&duration=8&resolution=720p"
        let early = try await server.request(.get, "/v1/quotes/cheapest?\(spec)&rank=expected", token: .read)
        #expect(early.json["provider"] as? String == "aimo")

        try await server.scorecards.refresh(
            with: ScorecardReader(pool: server.pool, catalog: server.scorecards.catalog), asOf: Date())
        let card = try await server.request(.get, "/v1/providers/scorecards?window=24h", token: .read)
        #expect(card.status == 200)
        let rows = try #require(card.json["scorecards"] as? [[String: Any]])
        let aimo = try #require(rows.first { $0["provider"] as? String == "aimo" })
        #expect(aimo["jobs"] as? Int == 13 && aimo["failed"] as? Int == 9 && aimo["stalled"] as? Int == 1)
        #expect(aimo["completion_rate"] as? Double == 0.25)
        let error = try #require(aimo["quote_error"] as? [String: Any])
        #expect(error["total"] as? String == "0.030000" && error["p95"] as? String == "0.010000")
        #expect((card.json["expected"] as? [Any])?.isEmpty == false)

        // The same question ranked two ways: AIMO by price, Venice by expected cost.
        let byPrice = try await server.request(.get, "/v1/quotes/cheapest?\(spec)", token: .read)
        #expect(byPrice.json["provider"] as? String == "aimo")
        #expect(byPrice.json["cost_usd"] as? String == "0.640000")
        #expect(byPrice.json["expected_cost_usd"] is String)
        let byExpected = try await server.request(.get, "/v1/quotes/cheapest?\(spec)&rank=expected", token: .read)
        #expect(byExpected.json["provider"] as? String == "venice")
        let passed = try #require(byExpected.json["passed_over"] as? [[String: Any]])
        let aimoPassed = try #require(passed.first { $0["provider"] as? String == "aimo" })
        #expect(aimoPassed["code"] as? String == "outranked")
        #expect((aimoPassed["reason"] as? String)?.contains("over 12 jobs (3 completed") == true)
        #expect((byExpected.json["ranking"] as? [String: Any])?["rank"] as? String == "expected")

        // Constraints: a minimum success rate passes AIMO over whatever the rank.
        let strict = try await server.request(.get, "/v1/quotes/cheapest?\(spec)&min_success_rate=0.5", token: .read)
        #expect(strict.json["provider"] as? String != "aimo")
        let quoted = try await server.request(
            .post, "/v1/quotes",
            body:
                "{\"family\":\"veo-3.1-fast\",\"duration\":8,\"resolution\":\"720p\",\"rank\":\"expected\",\"min_success_rate\":0.5}",
            token: .read)
        #expect(quoted.status == 200)
        let offers = try #require(quoted.json["offers"] as? [[String: Any]])
        #expect(offers.first?["provider"] as? String == "venice")
        #expect(!offers.contains { $0["provider"] as? String == "aimo" })
        let quotePassed = try #require(quoted.json["passed_over"] as? [[String: Any]])
        #expect(
            quotePassed.contains {
                $0["provider"] as? String == "aimo" && $0["code"] as? String == "success_rate_too_low"
            })

        for bad in ["rank=cheapest", "max_p95_seconds=0", "min_success_rate=1.5", "min_success_rate=abc"] {
            let response = try await server.request(.get, "/v1/quotes/cheapest?\(spec)&\(bad)", token: .read)
            #expect(response.status == 400, "\(bad)")
        }
        #expect(try await server.request(.get, "/v1/providers/scorecards?window=1h", token: .read).status == 400)
        await server.stop()
    }
}
