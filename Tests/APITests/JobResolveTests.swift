import Foundation
import Ledger
import Money
import Postgres
import Testing

/// Held money over REST: a stalled job is listed by `status=stalled`, an admin resolves a held
/// job by hand with a reason (recorded with the token's name and shown on the job), and the
/// shortfall and stall fields are on every job.
@Suite struct JobResolveTests {
    @Test func anAdminResolvesAHeldJobAndTheJobShowsWhoAndWhy() async throws {
        let server = try await APITestServer.start()
        let user = "ines"
        _ = try await server.request(.put, "/v1/users/\(user)", body: "{}")
        _ = try await server.request(
            .post, "/v1/users/\(user)/credits", body: #"{"amount":"5.00"}"#, headers: [.init("Idempotency-Key", "fund")]
        )
        let ledger = Ledger(pool: server.pool)
        let jobID = UUID()
        let holdID = try await ledger.hold(
            key: "hold-held", userID: user, amount: Money(micros: 800_000, currency: .usd), provider: "venice",
            jobID: jobID)
        try await JobFixture(id: jobID, userID: user, status: "stalled", holdID: holdID).insert(server.pool)
        try await server.pool.withSession { session in
            try session.execute(
                "UPDATE jobs SET stalled_at = now(), stall_reason = 'provider_silent' WHERE id = $1", [jobID])
        }

        let listed = try await server.request(.get, "/v1/jobs?status=stalled", token: .read)
        #expect(listed.status == 200)
        let jobs = listed.json["jobs"] as? [[String: Any]] ?? []
        #expect(jobs.count == 1 && jobs.first?["stall_reason"] as? String == "provider_silent")
        #expect(jobs.first?["shortfall"] is NSNull)

        let path = "/v1/jobs/\(jobID.uuidString.lowercased())/resolve"
        let forbidden = try await server.request(.post, path, body: #"{"outcome":"failed","reason":"x"}"#, token: .read)
        #expect(forbidden.status == 403)
        let noCost = try await server.request(.post, path, body: #"{"outcome":"completed","reason":"invoice"}"#)
        #expect(noCost.status == 400 && errorCode(noCost.json) == "invalid_cost")
        let resolved = try await server.request(
            .post, path, body: #"{"outcome":"completed","cost":"0.75","reason":"invoice line 7"}"#)
        #expect(resolved.status == 200, "\(resolved.body)")
        #expect(resolved.json["status"] as? String == "completed" && resolved.json["actual"] as? String == "0.750000")
        let resolution = resolved.json["held_resolution"] as? [String: Any]
        #expect(
            resolution?["method"] as? String == "operator" && resolution?["resolved_by"] as? String == "api:test-admin")
        #expect(resolution?["reason"] as? String == "invoice line 7" && resolution?["cost"] as? String == "0.750000")
        let kinds = (resolved.json["transfers"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds == ["hold", "capture", "release"])
        let again = try await server.request(.post, path, body: #"{"outcome":"failed","reason":"twice"}"#)
        #expect(again.status == 409 && errorCode(again.json) == "not_resolvable")
        let detail = try await server.request(.get, "/v1/jobs/\(jobID.uuidString.lowercased())", token: .read)
        #expect((detail.json["held_resolution"] as? [String: Any])?["method"] as? String == "operator")
        #expect(detail.json["shortfall"] as? String == "0.000000")
        let metrics = try await server.request(.get, "/metrics", token: .read)
        #expect(
            metrics.body.contains("videoledger_shortfall_micros") && metrics.body.contains("status=\"stalled\""),
            "\(metrics.body.prefix(300))")
        let missing = try await server.request(
            .post, "/v1/jobs/\(UUID().uuidString)/resolve", body: #"{"outcome":"failed","reason":"x"}"#)
        #expect(missing.status == 404)
        await server.stop()
    }
}
