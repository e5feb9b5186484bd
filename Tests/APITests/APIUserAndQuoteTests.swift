import Foundation
import HTTPClient
import Jobs
import Money
import TestSupport
import Testing

@Suite struct APIUserAndQuoteTests {
    @Test func creditsAreIdempotentByKey() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/carol", body: "{\"credit_limit\": \"5.00\"}")
        let key = [HTTPHeader("Idempotency-Key", "topup-1")]
        let first = try await server.request(
            .post, "/v1/users/carol/credits", body: "{\"amount\": \"12.50\"}", headers: key)
        let again = try await server.request(
            .post, "/v1/users/carol/credits", body: "{\"amount\": \"12.50\"}", headers: key)
        #expect(first.status == 201)
        #expect(again.body == first.body)
        #expect(first.json["available"] as? String == "12.500000")
        #expect(first.json["credit_limit"] as? String == "5.000000")
        let conflict = try await server.request(
            .post, "/v1/users/carol/credits", body: "{\"amount\": \"13\"}", headers: key)
        #expect(conflict.status == 409)
        #expect(errorCode(conflict.json) == "idempotency_conflict")
        #expect(try await ledgerInvariantViolations(server.pool, adding: JobInvariants.checks).isEmpty)
        await server.stop()
    }

    @Test func badInputGetsAClear4xxAndWritesNothing() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/dave", body: "{}")
        let key = [HTTPHeader("Idempotency-Key", "k")]
        let cases: [(String, String, [HTTPHeader], Int, String)] = [
            ("/v1/users/dave/credits", "{\"amount\": \"-1\"}", key, 400, "invalid_amount"),
            ("/v1/users/dave/credits", "{\"amount\": \"0\"}", key, 400, "invalid_amount"),
            ("/v1/users/dave/credits", "{\"amount\": \"1e0\"}", key, 400, "invalid_amount"),
            ("/v1/users/dave/credits", "{\"amount\": \"+5\"}", key, 400, "invalid_amount"),
            ("/v1/users/dave/credits", "{\"amount\": \"05\"}", key, 400, "invalid_amount"),
            (
                "/v1/users/dave/credits", "{\"amount\": \"1\"}",
                [HTTPHeader("Idempotency-Key", String(repeating: "k", count: 201))], 400,
                "invalid_idempotency_key"
            ),
            ("/v1/users/dave/credits", "{\"amount\": 5}", key, 400, "invalid_field"),
            ("/v1/users/dave/credits", "{\"amount\": \"1e3\"}", key, 400, "invalid_amount"),
            ("/v1/users/dave/credits", "{\"amount\": \"99999999999999999\"}", key, 400, "invalid_amount"),
            ("/v1/users/dave/credits", "{\"amount\": \"1\", \"currency\": \"EUR\"}", key, 400, "invalid_currency"),
            ("/v1/users/dave/credits", "{\"amount\": \"1\", \"currency\": \"usd\"}", key, 400, "invalid_currency"),
            ("/v1/users/dave/credits", "{\"amount\": \"1\"}", [], 400, "missing_idempotency_key"),
            ("/v1/users/dave/credits", "{}", key, 400, "missing_field"),
            ("/v1/users/dave/credits", "not json", key, 400, "malformed_json"),
            ("/v1/users/ghost/credits", "{\"amount\": \"1\"}", key, 404, "not_found"),
            ("/v1/quotes", "{\"family\": \"no-such-family\", \"resolution\": \"1080p\"}", [], 422, "invalid_family"),
            (
                "/v1/quotes", "{\"family\": \"veo-3.1-fast\", \"duration\": 601, \"resolution\": \"1080p\"}", [], 422,
                "invalid_duration"
            ),
            (
                "/v1/quotes",
                "{\"family\": \"veo-3.1-fast\", \"duration\": \"8s\", \"resolution\": \"1080p\", \"n\": 17}", [], 422,
                "invalid_n"
            ),
            ("/v1/quotes", "{\"family\": \"veo-3.1-fast\", \"duration\": true}", [], 400, "invalid_field"),
        ]
        for (path, body, headers, status, code) in cases {
            let response = try await server.request(.post, path, body: body, headers: headers)
            #expect(response.status == status, "\(path) \(body): \(response.body)")
            #expect(errorCode(response.json) == code, "\(path) \(body): \(response.body)")
        }
        let oversized = "{\"amount\": \"1\", \"pad\": \"" + String(repeating: "x", count: 100_000) + "\"}"
        let tooLarge = try await server.request(.post, "/v1/users/dave/credits", body: oversized, headers: key)
        #expect(tooLarge.status == 413)
        #expect(errorCode(tooLarge.json) == "body_too_large")
        let balance = try await server.request(.get, "/v1/users/dave/balance")
        #expect(balance.json["available"] as? String == "0.000000")
        let operations = try await server.pool.withSession {
            try $0.query("SELECT count(*) FROM ledger_operations")[0].decode(0, as: Int64.self)
        }
        #expect(operations == 0)
        await server.stop()
    }

    @Test func quotesRankProvidersAndCheapestAnswersOne() async throws {
        let server = try await APITestServer.start()
        let quote = try await server.request(
            .post, "/v1/quotes",
            body: "{\"family\": \"veo-3.1-fast\", \"duration\": \"8s\", \"resolution\": \"1080p\", \"n\": 2}")
        #expect(quote.status == 200)
        let offers = try #require(quote.json["offers"] as? [[String: Any]])
        #expect(!offers.isEmpty)
        let costs = offers.compactMap { $0["cost_usd"] as? String }
        #expect(costs.count == offers.count)
        let micros = costs.compactMap { try? DecimalAmount.micros(from: $0) }
        #expect(micros == micros.sorted())
        let cheapest = try await server.request(
            .get, "/v1/quotes/cheapest?family=veo-3.1-fast&duration=8s&resolution=1080p&n=2")
        #expect(cheapest.status == 200)
        #expect(cheapest.json["cost_usd"] as? String == costs.first)
        let none = try await server.request(.get, "/v1/quotes/cheapest?family=sora-2&duration=8&resolution=720p")
        #expect(none.status == 422)
        #expect(errorCode(none.json) == "no_offer")
        await server.stop()
    }

    /// Offers say when the books' sources disagree (Veo 2's two LiteLLM figures), when a model is
    /// announced to retire, and when a choice the provider cannot be sent was re-priced.
    @Test func quotesCarryConflictRetirementAndRepricingNotes() async throws {
        let server = try await APITestServer.start()
        let veo2 = try await server.request(
            .post, "/v1/quotes",
            body: #"{"family": "veo-2", "duration": 5, "resolution": "720p", "priced_on": "2026-10-01"}"#)
        #expect(veo2.status == 200)
        let conflicted = try #require((veo2.json["offers"] as? [[String: Any]])?.first)
        #expect(conflicted["conflict"] as? Bool == true)
        #expect((conflicted["conflict_reason"] as? String)?.isEmpty == false)
        #expect((conflicted["conflicting_prices"] as? [[String: Any]])?.first?["price_usd"] as? String == "0.350000")
        let cheapest = try await server.request(
            .get, "/v1/quotes/cheapest?family=veo-2&duration=5&resolution=720p&priced_on=2026-10-01")
        #expect(cheapest.status == 200)
        #expect(cheapest.json["conflict"] as? Bool == true)
        let gateway = try await server.request(
            .get,
            "/v1/quotes/cheapest?family=veo-3.1&provider=openai-videos&duration=8&resolution=720p&priced_on=2026-10-10")
        #expect(gateway.status == 200)
        #expect(gateway.json["conflict"] as? Bool == false)
        #expect(gateway.json["cost_usd"] as? String == "3.200000")
        #expect((gateway.json["repriced_reason"] as? String)?.contains("no audio field") == true)
        let retiring = try #require(gateway.json["retiring"] as? [String: Any])
        #expect(retiring["date"] as? String == "2026-10-22" && retiring["confirmed"] as? Bool == false)
        await server.stop()
    }
}
