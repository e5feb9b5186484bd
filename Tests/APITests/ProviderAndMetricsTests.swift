import Foundation
import ProviderRegistry
import Testing

@Suite struct ProviderAndMetricsTests {
    @Test func providersShowBalancesStatusCountsErrorRateAndCompletionPercentiles() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/mia", body: "{}")
        // Venice: 8 completed taking 10..80 s, 2 failed, 1 running; 1 completed outside a 1 h window.
        for index in 0..<8 {
            try await JobFixture(
                userID: "mia", provider: "venice", status: "completed", createdSecondsAgo: 600,
                runSeconds: 10 * (index + 1)
            ).insert(server.pool)
        }
        for _ in 0..<2 {
            try await JobFixture(userID: "mia", provider: "venice", status: "failed", createdSecondsAgo: 600).insert(
                server.pool)
        }
        try await JobFixture(userID: "mia", provider: "venice", status: "running", createdSecondsAgo: 60).insert(
            server.pool)
        try await JobFixture(
            userID: "mia", provider: "venice", status: "completed", createdSecondsAgo: 7_200, runSeconds: 5_000
        ).insert(server.pool)
        try await server.pool.withSession { session in
            try session.execute(
                """
                INSERT INTO provider_balance_snapshots (provider, currency, balance_micros, source, taken_at) VALUES
                ('venice', 'USD', 10000000, 'billing-balance', now() - interval '1 hour'),
                ('venice', 'USD', 9200000, 'x-balance-remaining', now()),
                ('venice', 'USDC', 5000001, 'x402', now()),
                ('nanogpt', 'XNO', 123456789, 'check-balance', now())
                """)
        }
        let response = try await server.request(.get, "/v1/providers?window_hours=1", token: .read)
        #expect(response.status == 200, "\(response.body)")
        let providers = try #require(response.json["providers"] as? [[String: Any]])
        #expect(providers.compactMap { $0["provider"] as? String } == ProviderID.allCases.map(\.rawValue))
        let venice = try #require(providers.first { $0["provider"] as? String == "venice" })
        let balances = try #require(venice["balances"] as? [[String: Any]])
        #expect(
            balances.map { "\($0["currency"] ?? ""):\($0["amount"] ?? ""):\($0["source"] ?? "")" }
                == ["USD:9.200000:x-balance-remaining", "USDC:5.000001:x402"])
        let byStatus = try #require(venice["jobs_by_status"] as? [String: Int])
        #expect(
            byStatus["completed"] == 8 && byStatus["failed"] == 2 && byStatus["running"] == 1 && byStatus["queued"] == 0
        )
        #expect(venice["jobs_total"] as? Int == 11)
        #expect(abs((venice["error_rate"] as? Double ?? -1) - 0.1818) < 0.00001)
        let completion = try #require(venice["completion_time"] as? [String: Any])
        #expect(completion["samples"] as? Int == 8)
        // percentile_cont over 10..80 s: p50 = 45 s, p95 = 76.5 s.
        #expect(completion["p50_milliseconds"] as? Int == 45_000)
        #expect(completion["p95_milliseconds"] as? Int == 76_500)
        #expect(venice["drift"] is NSNull)
        let aimo = try #require(providers.first { $0["provider"] as? String == "aimo" })
        #expect(aimo["error_rate"] is NSNull)
        #expect((aimo["balances"] as? [Any])?.isEmpty == true)

        // Venice's USD balance fell 0.8 with no charge recorded: a reconciliation finds the drift
        // and the overview shows it, from that run, beside an empty list for clean providers.
        let run = try await server.request(
            .post, "/v1/reconciliations", body: "{}", headers: [.init("Idempotency-Key", "drift-run")])
        #expect(run.status == 201, "\(run.body)")
        let runID = try #require(run.json["id"] as? String)
        let after = try await server.request(.get, "/v1/providers?window_hours=1", token: .read)
        let afterProviders = try #require(after.json["providers"] as? [[String: Any]])
        let veniceDrift = try #require(
            afterProviders.first { $0["provider"] as? String == "venice" }?["drift"] as? [String: Any])
        #expect(veniceDrift["reconciliation_id"] as? String == runID)
        let amounts = try #require(veniceDrift["amounts"] as? [[String: Any]])
        #expect(
            amounts.map { "\($0["currency"] ?? ""):\($0["difference"] ?? ""):\($0["severity"] ?? "")" } == [
                "USD:-0.800000:warning"
            ])
        let aimoDrift = try #require(
            afterProviders.first { $0["provider"] as? String == "aimo" }?["drift"] as? [String: Any])
        #expect(aimoDrift["reconciliation_id"] as? String == runID)
        #expect((aimoDrift["amounts"] as? [Any])?.isEmpty == true)

        for window in ["0", "169", "week"] {
            let bad = try await server.request(.get, "/v1/providers?window_hours=\(window)", token: .read)
            #expect(bad.status == 400)
            #expect(errorCode(bad.json) == "invalid_window_hours")
        }
        await server.stop()
    }

    @Test func metricsExposeRequestsLedgerTotalsAndJobs() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/ned", body: "{}")
        _ = try await server.request(
            .post, "/v1/users/ned/credits", body: "{\"amount\": \"2.5\"}",
            headers: [.init("Idempotency-Key", "ned-1")])
        try await JobFixture(userID: "ned", provider: "aigate", status: "failed", createdSecondsAgo: 30).insert(
            server.pool)
        try await JobFixture(userID: "ned", provider: "aigate", status: "queued", createdSecondsAgo: 30).insert(
            server.pool)
        _ = try await server.request(.get, "/v1/users/ned/balance", token: .read)
        _ = try await server.request(.get, "/v1/users/ghost/balance", token: .read)
        _ = try await server.request(.get, "/v1/jobs", token: .none)
        _ = try await server.request(.get, "/v1/nowhere", token: .none)
        let scrape = try await server.request(.get, "/metrics", token: .none)
        #expect(scrape.status == 200)
        let text = scrape.body
        for line in [
            #"http_requests_total{route="/v1/users/{id}/balance",method="GET",status="200"} 1"#,
            #"http_requests_total{route="/v1/users/{id}/balance",method="GET",status="404"} 1"#,
            #"http_requests_total{route="/v1/users/{id}/credits",method="POST",status="201"} 1"#,
            #"http_requests_total{route="unmatched",method="GET",status="401"} 1"#,
            #"http_requests_total{route="/v1/jobs",method="GET",status="401"} 1"#,
            #"videoledger_ledger_balance_micros{kind="available",currency="USD"} 2500000.0"#,
            #"videoledger_ledger_balance_micros{kind="world",currency="USD"} -2500000.0"#,
            #"videoledger_jobs_active{status="queued"} 1.0"#,
            #"videoledger_jobs_last_hour{provider="aigate",status="failed"} 1.0"#,
            #"videoledger_provider_errors_last_hour{provider="aigate"} 1.0"#,
            #"videoledger_database_up 1.0"#,
        ] {
            #expect(text.contains(line), "missing: \(line)")
        }
        #expect(text.contains("http_request_duration_seconds_bucket{"))
        await server.stop()
    }
}
