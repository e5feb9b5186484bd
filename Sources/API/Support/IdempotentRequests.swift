import Crypto
import Foundation
import Hummingbird
import Postgres

/// Makes a write route idempotent by its `Idempotency-Key`: the first request's answer
/// (status and body) is kept in `api_idempotency` (migration 0011) and a replay with the same
/// key and the same request gets exactly that answer back, without doing the work again.
///
/// - The same key with another request is a 409 `idempotency_conflict`.
/// - A replay that arrives while the first request still runs is a 409
///   `idempotency_in_progress` (retry shortly); a claim left by a process that died is taken
///   over after `abandonedAfterSeconds`.
/// - An answer is kept when the work succeeded, or when it failed after writing something a
///   replay must not redo (`keepsError`); otherwise the claim is dropped, so a retry after a
///   refusal (insufficient funds, database unavailable) runs afresh.
struct IdempotentRequests: Sendable {
    enum Route: String, Sendable {
        case credits, jobs, reconciliations
    }

    /// A claim older than this with no answer belongs to a request that will never finish.
    static let abandonedAfterSeconds = 120

    let pool: PostgresPool

    /// The canonical request's SHA-256 in hex.
    static func fingerprint(_ canonical: String) -> String {
        SHA256.hash(data: Data(canonical.utf8)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// Runs `work` once per (route, scope, key): the first call's answer is stored and every
    /// later call with the same request gets it back.
    func run(
        _ route: Route, scope: String, key: String, canonicalRequest: String, actor: String?,
        keepsError: @Sendable (APIError) -> Bool = { _ in false },
        _ work: () async throws -> (status: HTTPResponse.Status, body: ByteBuffer)
    ) async throws -> Response {
        let fingerprint = Self.fingerprint(canonicalRequest)
        if let stored = try await claim(route, scope: scope, key: key, fingerprint: fingerprint, actor: actor) {
            return JSONResponse.make(body: ByteBuffer(string: stored.body), status: .init(code: stored.status))
        }
        let answer: (status: HTTPResponse.Status, body: ByteBuffer)
        do {
            answer = try await work()
        } catch {
            let apiError = ErrorMapping.apiError(for: error)
            if keepsError(apiError),
                let body = try? JSONResponse.body(
                    APIError.Body(error: .init(code: apiError.code, message: apiError.message)))
            {
                try? await store(route, scope: scope, key: key, status: apiError.status.code, body: body)
            } else {
                try? await release(route, scope: scope, key: key)
            }
            throw apiError
        }
        try await store(route, scope: scope, key: key, status: answer.status.code, body: answer.body)
        return JSONResponse.make(body: answer.body, status: answer.status)
    }

    /// Nil when this request may do the work (it now holds the claim); the stored answer when
    /// an identical request already finished.
    private func claim(
        _ route: Route, scope: String, key: String, fingerprint: String, actor: String?
    ) async throws -> (status: Int, body: String)? {
        enum Outcome: Sendable {
            case claimed
            case answered(Int, String)
            case conflict, inProgress
        }
        let outcome = try await pool.withSession { session -> Outcome in
            let inserted = try session.execute(
                """
                INSERT INTO api_idempotency (route, scope, key, request_sha256, created_by) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (route, scope, key) DO NOTHING
                """, [route.rawValue, scope, key, fingerprint, actor])
            if inserted == 1 { return .claimed }
            guard
                let row = try session.query(
                    """
                    SELECT request_sha256, status, body, claimed_at < now() - make_interval(secs => $4::int)
                    FROM api_idempotency WHERE route = $1 AND scope = $2 AND key = $3
                    """, [route.rawValue, scope, key, Self.abandonedAfterSeconds]
                ).first
            else { return .inProgress }  // claimed and released between our two statements
            guard try row.decode(0, as: String.self) == fingerprint else { return .conflict }
            if let status = try row.decodeIfPresent(1, as: Int32.self),
                let body = try row.decodeIfPresent(2, as: String.self)
            {
                return .answered(Int(status), body)
            }
            guard try row.decode(3, as: Bool.self) else { return .inProgress }
            let taken = try session.execute(
                """
                UPDATE api_idempotency SET claimed_at = now(), created_by = $4
                WHERE route = $1 AND scope = $2 AND key = $3 AND status IS NULL
                  AND claimed_at < now() - make_interval(secs => $5::int)
                """, [route.rawValue, scope, key, actor, Self.abandonedAfterSeconds])
            return taken == 1 ? .claimed : .inProgress
        }
        switch outcome {
        case .claimed: return nil
        case .answered(let status, let body): return (status, body)
        case .conflict:
            throw APIError(
                .conflict, code: "idempotency_conflict",
                message: "this Idempotency-Key was already used for a different request")
        case .inProgress:
            throw APIError(
                .conflict, code: "idempotency_in_progress",
                message: "a request with this Idempotency-Key is still running; retry shortly")
        }
    }

    private func store(_ route: Route, scope: String, key: String, status: Int, body: ByteBuffer) async throws {
        let text = String(buffer: body)
        try await pool.withSession { session in
            try session.execute(
                """
                UPDATE api_idempotency SET status = $4, body = $5, answered_at = now()
                WHERE route = $1 AND scope = $2 AND key = $3 AND status IS NULL
                """, [route.rawValue, scope, key, status, text])
        }
    }

    private func release(_ route: Route, scope: String, key: String) async throws {
        try await pool.withSession { session in
            try session.execute(
                "DELETE FROM api_idempotency WHERE route = $1 AND scope = $2 AND key = $3 AND status IS NULL",
                [route.rawValue, scope, key])
        }
    }
}
