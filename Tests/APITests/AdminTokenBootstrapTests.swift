import API
import Foundation
import Postgres
import TestSupport
import Testing

/// The first admin token: private file, one token however many `serve`s start together, and no
/// leftover that blocks a later start.
@Suite struct AdminTokenBootstrapTests {
    static func folder() -> String {
        "/tmp/videoledger-token-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    @Test func theTokenFileIsPrivateAndHoldsAWorkingAdminToken() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 2)
        let folder = Self.folder() + "/secrets"
        defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
        let path = folder + "/admin-token"
        #expect(try await AdminTokenBootstrap.ensure(pool: pool, file: path) == .created(name: "admin"))
        #expect(Self.mode(folder) == 0o700)
        #expect(Self.mode(path) == 0o600)
        let value = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let principal = try await TokenAuthenticator(store: TokenStore(pool: pool), cacheMilliseconds: 0)
            .authenticate(authorization: "Bearer \(value)")
        #expect(principal?.scope == .admin)
        // An active token exists now: a second start makes none and leaves the file alone.
        #expect(try await AdminTokenBootstrap.ensure(pool: pool, file: path) == .tokensExist)
        #expect(
            try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == value)
        await pool.close()
    }

    @Test func concurrentStartsMakeExactlyOneToken() async throws {
        let first = try await TestDatabase.makePool(connectionsMax: 1)
        let connection = first.configuration.connectionString
        let pools =
            [first]
            + (0..<3).map { _ in
                PostgresPool(.init(connectionString: connection, connectionsMax: 1, connectTimeoutSeconds: 20))
            }
        let base = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let outcomes = try await withThrowingTaskGroup(of: AdminTokenBootstrap.Outcome.self) { group in
            for (index, pool) in pools.enumerated() {
                group.addTask { try await AdminTokenBootstrap.ensure(pool: pool, file: base + "/\(index)/admin-token") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 != .tokensExist }.count == 1, "\(outcomes)")
        let rows: Int64 = try await first.withSession { try $0.query("SELECT count(*) FROM api_tokens")[0].decode(0) }
        #expect(rows == 1)
        for pool in pools { await pool.close() }
    }

    @Test func aFailedWriteLeavesNothingBehindAndRevokedTokensDoNotCount() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 2)
        let base = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: base) }
        // The folder's place is taken by a file: the write fails, and so does the bootstrap.
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: base + "/not-a-folder", contents: Data("x".utf8))
        await #expect(throws: SecretFile.Failure.self) {
            try await AdminTokenBootstrap.ensure(pool: pool, file: base + "/not-a-folder/admin-token")
        }
        let afterFailure: Int64 = try await pool.withSession {
            try $0.query("SELECT count(*) FROM api_tokens")[0].decode(0)
        }
        #expect(afterFailure == 0, "the token row rolled back with the failed write")

        // A link where the file goes is refused, not followed.
        let linked = base + "/linked"
        try FileManager.default.createDirectory(atPath: linked, withIntermediateDirectories: true)
        let target = base + "/target"
        FileManager.default.createFile(atPath: target, contents: Data("keep".utf8))
        try FileManager.default.createSymbolicLink(atPath: linked + "/admin-token", withDestinationPath: target)
        await #expect(throws: SecretFile.Failure.self) {
            try await AdminTokenBootstrap.ensure(pool: pool, file: linked + "/admin-token")
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")

        // Only revoked tokens left (the name "admin" among them): a start makes a new one.
        let store = TokenStore(pool: pool)
        _ = try await store.create(name: "admin", scope: .admin)
        try await store.revoke(name: "admin")
        let path = base + "/ok/admin-token"
        #expect(try await AdminTokenBootstrap.ensure(pool: pool, file: path) == .created(name: "admin-2"))
        #expect(Self.mode(path) == 0o600)
        // A stale file from an earlier database is replaced, not a reason to fail.
        try await store.revoke(name: "admin-2")
        #expect(try await AdminTokenBootstrap.ensure(pool: pool, file: path) == .created(name: "admin-3"))
        await pool.close()
    }
}
