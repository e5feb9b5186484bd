import Foundation
import Jobs
import Ledger
import Money
import Postgres
import ProviderRegistry
import TestSupport
import Testing

@Suite struct SpendTests {
    /// Spend from the rollup equals the sum of settled (capture + excess) transfers, to the
    /// micro-unit, by provider and by family, with holds captured above, below and at their
    /// amount, releases and open holds that must not count, and two users kept apart.
    @Test func spendEqualsTheSettledTransfersToTheMicroUnit() async throws {
        let server = try await APITestServer.start()
        let ledger = Ledger(pool: server.pool)
        for user in ["ivy", "jon"] {
            _ = try await server.request(.put, "/v1/users/\(user)", body: "{}")
            _ = try await ledger.topUp(
                key: "fund-\(user)", userID: user, amount: Money(micros: 1_000_000_000, currency: .usd))
        }
        let providers = ProviderID.allCases.map(\.rawValue)
        let families: [String?] = ["veo-3.1-fast", "kling-v3-pro", nil, "wan-2.5"]
        var expectedByProvider: [String: Int64] = [:]
        var expectedByFamily: [String: Int64] = [:]
        var expectedTotal: Int64 = 0
        var settled: Int64 = 0
        for index in 0..<37 {
            let provider = providers[index % providers.count]
            let family = families[index % families.count]
            let quoted = Int64(400_000 + 12_345 * index)
            // Below, exactly at, and above the hold (the excess is charged from available).
            let actual = [quoted - 1, quoted, quoted + 777_777 + Int64(index)][index % 3]
            _ = try await settleJob(
                server.pool, user: "ivy", provider: provider, family: family, quoted: quoted, actual: actual,
                key: "ivy-\(index)")
            expectedByProvider[provider, default: 0] += actual
            expectedByFamily[family ?? "unknown", default: 0] += actual
            expectedTotal += actual
            settled += 1
        }
        // Not spend: a released hold, an open hold, a hold of another user.
        let released = try await ledger.hold(
            key: "ivy-released", userID: "ivy", amount: Money(micros: 5_000_000, currency: .usd), provider: "aimo")
        _ = try await ledger.release(key: "ivy-release", holdID: released)
        _ = try await ledger.hold(
            key: "ivy-open", userID: "ivy", amount: Money(micros: 7_000_000, currency: .usd), provider: "aimo")
        _ = try await settleJob(
            server.pool, user: "jon", provider: "aimo", family: "veo-3.1-fast", quoted: 1_000_000, actual: 2_500_001,
            key: "jon-1")

        let transferSum = try await server.pool.withSession { session in
            try session.query(
                "SELECT sum(amount_micros)::bigint FROM transfers WHERE user_id = 'ivy' AND kind IN ('capture', 'excess')"
            )[0]
            .decode(0, as: Int64.self)
        }
        #expect(transferSum == expectedTotal)

        let byProvider = try await server.request(.get, "/v1/users/ivy/spend?group_by=provider", token: .read)
        #expect(byProvider.status == 200, "\(byProvider.body)")
        let totals = try #require(byProvider.json["totals"] as? [[String: Any]])
        #expect(totals.count == 1)
        #expect(totals.first?["spent"] as? String == DecimalAmount.string(fromMicros: expectedTotal))
        #expect(totals.first?["jobs"] as? Int == Int(settled))
        #expect(groups(byProvider.json) == expectedByProvider.mapValues(DecimalAmount.string(fromMicros:)))

        let byFamily = try await server.request(.get, "/v1/users/ivy/spend?group_by=family", token: .read)
        #expect(groups(byFamily.json) == expectedByFamily.mapValues(DecimalAmount.string(fromMicros:)))

        let today = UTCDayText.today
        let byDay = try await server.request(.get, "/v1/users/ivy/spend?from=\(today)&to=\(today)", token: .read)
        #expect(groups(byDay.json) == [today: DecimalAmount.string(fromMicros: expectedTotal)])

        let jon = try await server.request(.get, "/v1/users/jon/spend", token: .read)
        #expect((jon.json["totals"] as? [[String: Any]])?.first?["spent"] as? String == "2.500001")
        #expect(try await ledgerInvariantViolations(server.pool, adding: JobInvariants.checks).isEmpty)
        await server.stop()
    }

    /// The rollup attributes a settlement to the UTC date of its transfer: history spanning
    /// several days (transfers written with SQL and back-dated, bypassing the ledger functions'
    /// now()) groups by day exactly as a sum over the transfers does, midnight boundaries included.
    @Test func spendGroupsByUTCDayAcrossDays() async throws {
        let server = try await APITestServer.start()
        let ledger = Ledger(pool: server.pool)
        _ = try await server.request(.put, "/v1/users/kim", body: "{}")
        _ = try await ledger.topUp(key: "fund-kim", userID: "kim", amount: Money(micros: 100_000_000, currency: .usd))
        let hold = try await ledger.hold(
            key: "kim-h", userID: "kim", amount: Money(micros: 1_000_000, currency: .usd), provider: "venice")
        try await server.pool.withSession { session in
            let accounts = try session.query("SELECT min(id), max(id) FROM accounts")[0]
            let from: Int64 = try accounts.decode(0)
            let to: Int64 = try accounts.decode(1)
            for (at, kind, micros) in [
                ("2026-03-01T23:59:59.999999Z", "capture", 1_000_001), ("2026-03-02T00:00:00.000000Z", "excess", 3),
                ("2026-03-02T12:00:00Z", "capture", 250_000), ("2026-03-04T00:00:00Z", "capture", 1),
            ] {
                try session.execute(
                    """
                    INSERT INTO transfers (operation_key, kind, from_account_id, to_account_id, currency, amount_micros, hold_id, user_id, created_at)
                    VALUES ('kim-h', $1, $2, $3, 'USD', $4, $5, 'kim', $6::timestamptz)
                    """, [kind, from, to, Int64(micros), hold, at])
            }
        }
        let response = try await server.request(
            .get, "/v1/users/kim/spend?from=2026-03-01&to=2026-03-04&group_by=day", token: .read)
        #expect(response.status == 200, "\(response.body)")
        #expect(
            groups(response.json) == ["2026-03-01": "1.000001", "2026-03-02": "0.250003", "2026-03-04": "0.000001"])
        let expected = try await server.pool.withSession { session in
            try session.query(
                """
                SELECT to_char((created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD'), sum(amount_micros)::bigint FROM transfers
                WHERE user_id = 'kim' AND kind IN ('capture', 'excess') GROUP BY 1
                """
            ).map {
                (try $0.decode(0, as: String.self), DecimalAmount.string(fromMicros: try $0.decode(1, as: Int64.self)))
            }
        }
        #expect(groups(response.json) == Dictionary(uniqueKeysWithValues: expected))
        #expect((response.json["totals"] as? [[String: Any]])?.first?["jobs"] as? Int == 3)
        let narrow = try await server.request(.get, "/v1/users/kim/spend?from=2026-03-02&to=2026-03-03", token: .read)
        #expect((narrow.json["totals"] as? [[String: Any]])?.first?["spent"] as? String == "0.250003")
        await server.stop()
    }

    @Test func badRangesAndUnknownUsersAnswerTheErrorShape() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/lee", body: "{}")
        let cases: [(String, Int, String)] = [
            // Each well-formed on its own, unacceptable together: 422.
            ("/v1/users/lee/spend?from=2026-03-05&to=2026-03-01", 422, "invalid_from"),
            ("/v1/users/lee/spend?from=2025-01-01&to=2026-01-02", 422, "invalid_to"),
            ("/v1/users/lee/spend?from=2026-02-30", 422, "invalid_from"),
            ("/v1/users/lee/spend?from=", 400, "invalid_from"),
            ("/v1/users/lee/spend?from=1969-12-31", 400, "invalid_from"),
            ("/v1/users/has%20space/spend", 400, "invalid_user_id"),
            ("/v1/users/lee/spend?from=2026-13-01", 400, "invalid_from"),
            ("/v1/users/lee/spend?to=03/01/2026", 400, "invalid_to"),
            ("/v1/users/lee/spend?group_by=week", 400, "invalid_group_by"),
            ("/v1/users/nobody/spend", 404, "not_found"),
        ]
        for (path, status, code) in cases {
            let response = try await server.request(.get, path, token: .read)
            #expect(response.status == status, "\(path): \(response.body)")
            #expect(errorCode(response.json) == code, "\(path): \(response.body)")
        }
        let year = try await server.request(.get, "/v1/users/lee/spend?from=2024-01-01&to=2024-12-31", token: .read)
        #expect(year.status == 200)
        #expect((year.json["totals"] as? [Any])?.isEmpty == true)
        #expect((year.json["groups"] as? [Any])?.isEmpty == true)
        await server.stop()
    }

    private func groups(_ json: [String: Any]) -> [String: String] {
        var result: [String: String] = [:]
        for group in json["groups"] as? [[String: Any]] ?? [] {
            if let key = group["key"] as? String, let spent = group["spent"] as? String { result[key] = spent }
        }
        return result
    }
}

enum UTCDayText {
    static var today: String { String(PostgresTimestamp(Date()).postgresText.prefix(10)) }
}
