import Foundation
import HTTPClient
import Jobs
import Logging
import Pricing
import ProviderRegistry
import ProviderSimulator
import Providers
import TestSupport
import Testing

/// The job routes over loopback HTTP, with the provider simulator behind the adapters.
@Suite struct APIJobTests {
    static func withSimulator(_ body: (APITestServer, [ProviderID: any Providers.ProviderAdapter]) async throws -> Void)
        async throws
    {
        var configuration = SimulatorConfiguration.ephemeralPorts()
        configuration.defaults = "complete_after_ms=200"
        let simulator = try await ProviderSimulator.start(configuration)
        let client = try CurlHTTPClient()
        let urls = Dictionary(uniqueKeysWithValues: simulator.baseURLs.map { ($0.key.rawValue, $0.value) })
        let adapters = try ProviderAdapters.simulator(
            baseURLs: urls, client: client, logger: Logger(label: "api-job-test"))
        let server = try await APITestServer.start(adapters: adapters)
        do {
            try await body(server, adapters)
        } catch {
            await server.stop()
            await client.shutdown()
            await simulator.stop()
            throw error
        }
        await server.stop()
        await client.shutdown()
        await simulator.stop()
    }

    static let submitBody = """
        {"user_id": "erin", "provider": "venice", "family": "veo-3.1-fast", "duration": "8s", "resolution": "1080p",
         "prompt": "a fox in the snow"}
        """

    @Test func submitReplaysByKeyThenSettlesWithItsTransfers() async throws {
        try await Self.withSimulator { server, adapters in
            _ = try await server.request(.put, "/v1/users/erin", body: "{}")
            _ = try await server.request(
                .post, "/v1/users/erin/credits", body: "{\"amount\": \"10\"}",
                headers: [HTTPHeader("Idempotency-Key", "fund")])
            let key = [HTTPHeader("Idempotency-Key", "job-1")]
            let first = try await server.request(.post, "/v1/jobs", body: Self.submitBody, headers: key)
            #expect(first.status == 201, "\(first.body)")
            let again = try await server.request(.post, "/v1/jobs", body: Self.submitBody, headers: key)
            // A replay answers exactly what the first request answered.
            #expect(again.status == 201)
            #expect(again.body == first.body)
            #expect(again.json["quoted"] as? String == first.json["quoted"] as? String)
            let other = try await server.request(
                .post, "/v1/jobs", body: Self.submitBody.replacingOccurrences(of: "8s", with: "6s"),
                headers: key)
            #expect(other.status == 409)
            let jobCount = try await server.pool.withSession {
                try $0.query("SELECT count(*), count(hold_id) FROM jobs")[0]
            }
            #expect(try jobCount.decode(0, as: Int64.self) == 1)
            #expect(try jobCount.decode(1, as: Int64.self) == 1)

            let id = try #require(first.json["id"] as? String)
            let poller = Poller(
                pool: server.pool, catalog: try PriceCatalog.load(directory: TestDatabase.repositoryRoot + "/pricing"),
                adapters: adapters)
            var detail = try await server.request(.get, "/v1/jobs/\(id)", token: .read)
            // Bounded by a deadline for a broken run, not by a count a slow machine can exhaust.
            let deadline = ContinuousClock.now + .seconds(300)
            while detail.json["status"] as? String != "completed" && ContinuousClock.now < deadline {
                _ = await poller.pollOnce()
                try await Task.sleep(for: .milliseconds(50))
                detail = try await server.request(.get, "/v1/jobs/\(id)", token: .read)
            }
            #expect(detail.json["status"] as? String == "completed")
            let transfers = detail.json["transfers"] as? [[String: Any]] ?? []
            let kinds = transfers.compactMap { $0["kind"] as? String }
            #expect(kinds.first == "hold")
            #expect(kinds.contains("capture"))
            // Who made each write: the submit's token on the job and its hold; the poller's
            // settlement is the service's own.
            #expect(detail.json["created_by"] as? String == "test-admin")
            #expect(detail.json["cancelled_by"] is NSNull)
            #expect(transfers.first?["created_by"] as? String == "test-admin")
            #expect(transfers.first { $0["kind"] as? String == "capture" }?["created_by"] is NSNull)
            let cancel = try await server.request(.post, "/v1/jobs/\(id)/cancel")
            #expect(cancel.status == 409)
            #expect(errorCode(cancel.json) == "not_cancellable")
            #expect(try await ledgerInvariantViolations(server.pool, adding: JobInvariants.checks).isEmpty)

            let reconciliation = try await server.request(
                .post, "/v1/reconciliations", body: "{}",
                headers: [HTTPHeader("Idempotency-Key", "recon-1")])
            #expect(reconciliation.status == 201, "\(reconciliation.body)")
            let reconciliationID = try #require(reconciliation.json["id"] as? String)
            let stored = try await server.request(.get, "/v1/reconciliations/\(reconciliationID)", token: .read)
            #expect(stored.status == 200)
            #expect(stored.json["id"] as? String == reconciliationID)
        }
    }

    @Test func aCancelRecordsItsTokenOnTheJobAndTheRelease() async throws {
        try await Self.withSimulator { server, _ in
            _ = try await server.request(.put, "/v1/users/erin", body: "{}")
            _ = try await server.request(
                .post, "/v1/users/erin/credits", body: "{\"amount\": \"10\"}",
                headers: [HTTPHeader("Idempotency-Key", "fund")])
            let job = try await server.request(
                .post, "/v1/jobs", body: Self.submitBody, headers: [HTTPHeader("Idempotency-Key", "to-cancel")])
            #expect(job.status == 201, "\(job.body)")
            let id = try #require(job.json["id"] as? String)
            let cancelled = try await server.request(.post, "/v1/jobs/\(id)/cancel")
            #expect(cancelled.status == 200, "\(cancelled.body)")
            #expect(cancelled.json["status"] as? String == "cancelled")
            #expect(cancelled.json["cancelled_by"] as? String == "test-admin")
            #expect(cancelled.json["created_by"] as? String == "test-admin")
            let detail = try await server.request(.get, "/v1/jobs/\(id)", token: .read)
            let release = (detail.json["transfers"] as? [[String: Any]] ?? []).first {
                $0["kind"] as? String == "release"
            }
            #expect(release?["created_by"] as? String == "test-admin")
            // Cancelling again answers the job as it is.
            let again = try await server.request(.post, "/v1/jobs/\(id)/cancel")
            #expect(again.status == 200)
            #expect(again.body == cancelled.body)
            #expect(try await ledgerInvariantViolations(server.pool, adding: JobInvariants.checks).isEmpty)
        }
    }

    @Test func refusesBadJobRequestsBeforeAnyProviderCall() async throws {
        try await Self.withSimulator { server, _ in
            _ = try await server.request(.put, "/v1/users/frank", body: "{}")
            let cases: [(String, [HTTPHeader], Int, String)] = [
                (
                    Self.submitBody.replacingOccurrences(of: "erin", with: "frank"),
                    [HTTPHeader("Idempotency-Key", "a")], 402, "insufficient_funds"
                ),
                (
                    Self.submitBody.replacingOccurrences(of: "erin", with: "nobody"),
                    [HTTPHeader("Idempotency-Key", "b")], 404, "not_found"
                ),
                (
                    Self.submitBody.replacingOccurrences(of: "veo-3.1-fast", with: "no-such"),
                    [HTTPHeader("Idempotency-Key", "c")], 422, "invalid_family"
                ),
                (
                    Self.submitBody.replacingOccurrences(of: "\"venice\"", with: "\"acme\""),
                    [HTTPHeader("Idempotency-Key", "d")], 400, "invalid_provider"
                ),
                (
                    Self.submitBody.replacingOccurrences(of: "\"erin\"", with: "\"has space\""),
                    [HTTPHeader("Idempotency-Key", "f")], 400, "invalid_user_id"
                ),
                (Self.submitBody, [], 400, "missing_idempotency_key"),
                ("{\"user_id\": 5}", [HTTPHeader("Idempotency-Key", "e")], 400, "invalid_field"),
            ]
            for (body, headers, status, code) in cases {
                let response = try await server.request(
                    .post, "/v1/jobs", body: body.replacingOccurrences(of: "erin", with: "frank"), headers: headers)
                #expect(response.status == status, "\(body): \(response.body)")
                #expect(errorCode(response.json) == code, "\(body): \(response.body)")
            }
            let missing = try await server.request(.get, "/v1/jobs/00000000-0000-0000-0000-000000000000", token: .read)
            #expect(missing.status == 404)
            let malformed = try await server.request(.get, "/v1/jobs/not-a-uuid", token: .read)
            #expect(malformed.status == 400)
            let written = try await server.pool.withSession {
                try $0.query("SELECT count(*) FROM jobs")[0].decode(0, as: Int64.self)
            }
            #expect(written == 0)
            #expect(try await ledgerInvariantViolations(server.pool, adding: JobInvariants.checks).isEmpty)
        }
    }
}
