import Foundation
import HTTPClient
import Hummingbird
import Jobs
import Ledger
import Logging
import Money
import Postgres
import Synchronization
import TestSupport
import Testing

@testable import API

/// Errors a client can program against, exact replays, and who made each write.
@Suite struct ContractTests {
    @Test func replayedTopUpsAnswerExactlyTheFirstAnswer() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/ivy", body: "{}")
        let key = [HTTPHeader("Idempotency-Key", "first")]
        let first = try await server.request(.post, "/v1/users/ivy/credits", body: #"{"amount": "10"}"#, headers: key)
        #expect(first.status == 201)
        // The balance moves between the first request and its replay ...
        _ = try await server.request(
            .post, "/v1/users/ivy/credits", body: #"{"amount": "5"}"#,
            headers: [HTTPHeader("Idempotency-Key", "second")])
        let replay = try await server.request(.post, "/v1/users/ivy/credits", body: #"{"amount": "10"}"#, headers: key)
        // ... yet the replay answers what the first request answered, and credits nothing.
        #expect(replay.status == 201)
        #expect(replay.body == first.body)
        #expect(replay.json["available"] as? String == "10.000000")
        let balance = try await server.request(.get, "/v1/users/ivy/balance", token: .read)
        #expect(balance.json["available"] as? String == "15.000000")
        let conflict = try await server.request(
            .post, "/v1/users/ivy/credits", body: #"{"amount": "11"}"#, headers: key)
        #expect(conflict.status == 409)
        #expect(errorCode(conflict.json) == "idempotency_conflict")
        // A refused request keeps nothing: the same key works once the user exists.
        let unknown = try await server.request(.post, "/v1/users/jay/credits", body: #"{"amount": "1"}"#, headers: key)
        #expect(unknown.status == 404)
        _ = try await server.request(.put, "/v1/users/jay", body: "{}")
        #expect(
            try await server.request(.post, "/v1/users/jay/credits", body: #"{"amount": "1"}"#, headers: key).status
                == 201)
        #expect(try await ledgerInvariantViolations(server.pool, adding: JobInvariants.checks).isEmpty)
        await server.stop()
    }

    @Test func replayedReconciliationsDoNotRunAgain() async throws {
        let server = try await APITestServer.start()
        let key = [HTTPHeader("Idempotency-Key", "nightly-2026-03-01")]
        let body = #"{"from": "2026-03-01", "to": "2026-03-02T00:00:00Z"}"#
        let first = try await server.request(.post, "/v1/reconciliations", body: body, headers: key)
        #expect(first.status == 201, "\(first.body)")
        #expect(first.json["created_by"] as? String == "test-admin")
        let replay = try await server.request(.post, "/v1/reconciliations", body: body, headers: key)
        #expect(replay.status == 201)
        #expect(replay.body == first.body)
        let runs: Int64 = try await server.pool.withSession {
            try $0.query("SELECT count(*) FROM reconciliations")[0].decode(0)
        }
        #expect(runs == 1)
        let other = try await server.request(
            .post, "/v1/reconciliations", body: #"{"from": "2026-03-01", "to": "2026-03-03"}"#, headers: key)
        #expect(other.status == 409)
        let missing = try await server.request(.post, "/v1/reconciliations", body: body)
        #expect(missing.status == 400)
        #expect(errorCode(missing.json) == "missing_idempotency_key")
        for (text, status) in [
            (#"{"from": "2026-03-02", "to": "2026-03-01"}"#, 422), (#"{"from": "2026-02-30"}"#, 422),
            (#"{"from": "yesterday"}"#, 400), (#"{"from": "0000-01-01T00:00:00Z"}"#, 400),
            (#"{"from": "2025-01-01", "to": "2026-01-01"}"#, 422),
        ] {
            let refused = try await server.request(
                .post, "/v1/reconciliations", body: text,
                headers: [HTTPHeader("Idempotency-Key", "bad-\(text.hashValue)")])
            #expect(refused.status == status, "\(text): \(refused.body)")
        }
        await server.stop()
    }

    @Test func everyWriteRecordsTheTokenThatMadeIt() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/kay", body: "{}")
        _ = try await server.request(
            .post, "/v1/users/kay/credits", body: #"{"amount": "3"}"#, headers: [HTTPHeader("Idempotency-Key", "k1")])
        let rows = try await server.pool.withSession { session in
            try session.query(
                """
                SELECT (SELECT created_by FROM users WHERE id = 'kay'), t.created_by, o.created_by
                FROM transfers t JOIN ledger_operations o ON o.key = t.operation_key WHERE t.user_id = 'kay'
                """
            ).map {
                (
                    try $0.decodeIfPresent(0, as: String.self), try $0.decodeIfPresent(1, as: String.self),
                    try $0.decodeIfPresent(2, as: String.self)
                )
            }
        }
        #expect(rows.count == 1)
        #expect(rows.first?.0 == "test-admin" && rows.first?.1 == "test-admin" && rows.first?.2 == "test-admin")
        // Outside a REST request nothing is attributed, and the setting never leaks across.
        try await Ledger(pool: server.pool).topUp(
            key: "cli-topup", userID: "kay", amount: Money(micros: 1, currency: .usd))
        let cli: String? = try await server.pool.withSession {
            try $0.query("SELECT created_by FROM transfers WHERE operation_key = 'cli-topup'")[0].decodeIfPresent(0)
        }
        #expect(cli == nil)
        await server.stop()
    }

    @Test func notFoundIsOneCodeAndBadIdsAre400s() async throws {
        let server = try await APITestServer.start()
        let zero = "00000000-0000-0000-0000-000000000000"
        for path in [
            "/v1/jobs/\(zero)", "/v1/reconciliations/\(zero)", "/v1/users/ghost/balance", "/v1/users/ghost/spend",
            "/v1/nowhere",
        ] {
            let response = try await server.request(.get, path, token: .read)
            #expect(response.status == 404, "\(path)")
            #expect(errorCode(response.json) == "not_found", "\(path)")
        }
        #expect(errorCode(try await server.request(.post, "/v1/jobs/\(zero)/cancel").json) == "not_found")
        for path in [
            "/v1/jobs/not-a-uuid", "/v1/reconciliations/12", "/v1/users/%C2%84/balance", "/v1/users/-x/spend",
            "/v1/jobs/\(zero)0",
        ] {
            let response = try await server.request(.get, path, token: .read)
            #expect(response.status == 400, "\(path): \(response.body)")
        }
        // A user id the users table's check constraint refuses: 400 before any SQL (was a 500).
        for path in ["/v1/users/%C2%84", "/v1/users/a%20b", "/v1/users/" + String(repeating: "u", count: 129)] {
            let response = try await server.request(.put, path, body: "{}")
            #expect(response.status == 400, "\(path): \(response.body)")
            #expect(errorCode(response.json) == "invalid_user_id")
        }
        await server.stop()
    }

    /// JSON strings may hold U+0000, PostgreSQL text may not: a 422, never a 400 or a 500.
    @Test func aNulCharacterIsA422() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/nul", body: "{}")
        let body =
            #"{"user_id": "nul", "provider": "venice", "family": "veo-3.1-fast", "resolution": "1080p", "provider_job_id": "x1", "model": "a\u0000b"}"#
        let response = try await server.request(
            .post, "/v1/jobs", body: body, headers: [HTTPHeader("Idempotency-Key", "nul-1")])
        #expect(response.status == 422, "\(response.body)")
        await server.stop()
    }

    @Test func databaseErrorsMapToTheirStatus() {
        func status(_ state: String) -> Int {
            ErrorMapping.postgres(.server(ServerError(sqlState: state, message: "x"))).status.code
        }
        #expect(status("23505") == 409)
        #expect(status("23514") == 422)
        #expect(status("23503") == 422)
        #expect(status("22003") == 422)
        #expect(status("22008") == 422)
        #expect(status("22021") == 422)
        #expect(status("57P01") == 503)
        #expect(status("XX000") == 500)
        #expect(ErrorMapping.postgres(.connectionFailed("host=/secret")).status == .serviceUnavailable)
        #expect(!ErrorMapping.postgres(.connectionFailed("host=/secret")).message.contains("secret"))
        #expect(
            ErrorMapping.apiError(for: LedgerError.database(.server(ServerError(sqlState: "23514", message: "x"))))
                .status.code == 422)
        // A job error from the database keeps its kind: not every database error is a 503.
        #expect(
            ErrorMapping.apiError(for: PostgresError.decoding(column: "c", reason: "r")).status == .internalServerError)
    }

    @Test func serverErrorsLogTheirCause() async throws {
        struct Boom: Error, CustomStringConvertible { var description: String { "the widget cache is inconsistent" } }
        let records = LogRecords()
        let logger = Logger(label: "contract-test") { _ in RecordingLogHandler(records: records) }
        let server = try await APITestServer.start(
            logger: logger,
            extraRoutes: { router in
                router.get("/boom") { _, _ -> Response in throw Boom() }
            })
        let response = try await server.request(.get, "/boom", token: .read)
        #expect(response.status == 500)
        #expect(errorCode(response.json) == "internal")
        #expect(!response.body.contains("widget"), "the cause stays in the log")
        #expect(records.messages.contains { $0.contains("the widget cache is inconsistent") }, "\(records.messages)")
        await server.stop()
    }

    @Test func otherMethodsOnServedPathsAre405WithAllow() async throws {
        let server = try await APITestServer.start()
        let port = try #require(Int(server.baseURL.split(separator: ":").last ?? ""))
        let auth = ["Authorization": "Bearer \(server.adminToken)"]
        let patch = try await RawHTTP.send(port: port, "PATCH", "/v1/jobs", headers: auth)
        #expect(patch.status == 405)
        #expect(patch.headers["allow"] == "GET, POST")
        #expect(patch.body.contains("method_not_allowed"))
        let delete = try await RawHTTP.send(port: port, "DELETE", "/v1/users/someone/balance", headers: auth)
        #expect(delete.status == 405)
        #expect(delete.headers["allow"] == "GET")
        let options = try await RawHTTP.send(port: port, "OPTIONS", "/v1/tokens/x", headers: auth)
        #expect(options.status == 204)
        #expect(options.headers["allow"] == "DELETE")
        #expect(try await RawHTTP.send(port: port, "PATCH", "/v1/nowhere", headers: auth).status == 404)
        #expect(try await RawHTTP.send(port: port, "PATCH", "/v1/jobs").status == 401)
        await server.stop()
    }

    @Test func idempotencyKeysWithControlCharactersAreRefused() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/nia", body: "{}")
        let port = try #require(Int(server.baseURL.split(separator: ":").last ?? ""))
        for key in ["bell\u{07}key", "tab\tkey", "del\u{7F}key", "sp ace"] {
            let answer = try await RawHTTP.send(
                port: port, "POST", "/v1/users/nia/credits",
                headers: [
                    "Authorization": "Bearer \(server.adminToken)", "Idempotency-Key": key,
                ])
            // Refused by us (invalid_idempotency_key) or already by the HTTP parser (no body).
            #expect(answer.status == 400, "\(key.debugDescription): \(answer.body)")
            #expect(
                answer.body.isEmpty || answer.body.contains("invalid_idempotency_key"),
                "\(key.debugDescription): \(answer.body)")
        }
        let operations: Int64 = try await server.pool.withSession {
            try $0.query("SELECT count(*) FROM ledger_operations")[0].decode(0)
        }
        #expect(operations == 0)
        await server.stop()
    }

    @Test func errorMessagesEchoLittleInput() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/lou", body: "{}")
        let long = String(repeating: "9", count: 40_000) + "x"
        let amount = try await server.request(
            .post, "/v1/users/lou/credits", body: "{\"amount\": \"\(long)\"}",
            headers: [HTTPHeader("Idempotency-Key", "long")])
        #expect(amount.status == 400)
        #expect(amount.body.count < 400, "\(amount.body.count) bytes")
        let family = try await server.request(
            .post, "/v1/quotes",
            body: "{\"family\": \"\(String(repeating: "f", count: 120))\", \"resolution\": \"1080p\"}")
        #expect(family.status == 422)
        #expect(!family.body.contains(String(repeating: "f", count: 33)))
        let user = try await server.request(
            .post, "/v1/jobs", body: "{\"user_id\": \"\(String(repeating: "u", count: 50_000))\"}",
            headers: [HTTPHeader("Idempotency-Key", "u")])
        #expect(user.status == 400)
        #expect(user.body.count < 400)
        await server.stop()
    }

    @Test func providerJobIDsAreSafePathSegments() async throws {
        let server = try await APITestServer.start()
        _ = try await server.request(.put, "/v1/users/mo", body: "{}")
        for id in [".", "..", "a/b", "a%2Fb", "a b", "a\\u0001b", "", String(repeating: "x", count: 201), "é"] {
            let body =
                #"{"user_id": "mo", "provider": "venice", "family": "veo-3.1-fast", "resolution": "1080p", "provider_job_id": "\#(id)"}"#
            let response = try await server.request(
                .post, "/v1/jobs", body: body, headers: [HTTPHeader("Idempotency-Key", "p\(id.hashValue)")])
            #expect(response.status == 400, "\(id): \(response.body)")
            #expect(errorCode(response.json) == "invalid_provider_job_id", "\(id)")
        }
        #expect(JobServiceRules.accepts("abc-123.def:ghi_J"))
        let jobs: Int64 = try await server.pool.withSession { try $0.query("SELECT count(*) FROM jobs")[0].decode(0) }
        #expect(jobs == 0)
        await server.stop()
    }

    @Test func topUpLedgerKeysNeitherCollideNorOverflow() async throws {
        // Colon-free users keep the key form used since the first version.
        #expect(LedgerKeys.topUp(userID: "alice", key: "topup-1") == "credit:alice:topup-1")
        // "a:b" + "c" and "a" + "b:c" used to share credit:a:b:c.
        #expect(LedgerKeys.topUp(userID: "a:b", key: "c") != LedgerKeys.topUp(userID: "a", key: "b:c"))
        let longest = LedgerKeys.topUp(
            userID: String(repeating: "u", count: 128), key: String(repeating: "k", count: 200))
        #expect(longest.count <= 200)

        let server = try await APITestServer.start()
        for user in ["a:b", "a", String(repeating: "u", count: 128)] {
            _ = try await server.request(.put, "/v1/users/\(user)", body: "{}")
        }
        let first = try await server.request(
            .post, "/v1/users/a:b/credits", body: #"{"amount": "1"}"#, headers: [HTTPHeader("Idempotency-Key", "c")])
        let second = try await server.request(
            .post, "/v1/users/a/credits", body: #"{"amount": "1"}"#, headers: [HTTPHeader("Idempotency-Key", "b:c")])
        #expect(first.status == 201 && second.status == 201, "\(second.body)")
        #expect(second.json["available"] as? String == "1.000000")
        let long = try await server.request(
            .post, "/v1/users/\(String(repeating: "u", count: 128))/credits", body: #"{"amount": "2"}"#,
            headers: [HTTPHeader("Idempotency-Key", String(repeating: "k", count: 200))])
        #expect(long.status == 201, "\(long.body)")
        #expect(try await ledgerInvariantViolations(server.pool, adding: JobInvariants.checks).isEmpty)
        await server.stop()
    }
}

/// `JobService.isProviderJobID`, reached through the Jobs module.
enum JobServiceRules {
    static func accepts(_ id: String) -> Bool { Jobs.JobService.isProviderJobID(id) }
}

final class LogRecords: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var messages: [String] { lines.withLock { $0 } }
}

struct RecordingLogHandler: LogHandler {
    let records: LogRecords
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        records.append("\(level) \(message) \(metadata ?? [:])")
    }
}
