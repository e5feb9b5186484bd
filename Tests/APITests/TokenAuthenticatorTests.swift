import API
import Foundation
import Postgres
import TestSupport
import Testing

/// Revocation has a hard bound: tokens cached longer than the staleness bound are never used.
@Suite struct TokenAuthenticatorTests {
    @Test func staleTokensAreRefusedOnceTheBoundPassesAndTheReloadFails() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 1)
        let store = TokenStore(pool: pool)
        let token = try await store.create(name: "stale-test", scope: .read)
        let authenticator = TokenAuthenticator(store: store, cacheMilliseconds: 500, staleMillisecondsMax: 2_000)
        let beforeLoad = ContinuousClock.now
        #expect(try await authenticator.authenticate(authorization: "Bearer \(token)")?.tokenName == "stale-test")
        let afterLoad = ContinuousClock.now

        // The database goes away. Within the bound the cached set still answers (a background
        // reload fails quietly); the check is skipped if a loaded machine took longer.
        await pool.close()
        try await Task.sleep(for: .milliseconds(600))
        if ContinuousClock.now - beforeLoad < .milliseconds(1_800) {
            #expect(try await authenticator.authenticate(authorization: "Bearer \(token)") != nil)
        }
        // Past the bound it reloads first, and a failed reload refuses: every time.
        try await Task.sleep(until: afterLoad + .milliseconds(2_100))
        await #expect(throws: PostgresError.self) {
            try await authenticator.authenticate(authorization: "Bearer \(token)")
        }
        await #expect(throws: PostgresError.self) {
            try await authenticator.authenticate(authorization: "Bearer \(token)")
        }
    }

    @Test func aRevocationTakesEffectWithinTheBound() async throws {
        let pool = try await TestDatabase.makePool(connectionsMax: 2)
        let store = TokenStore(pool: pool)
        let token = try await store.create(name: "revoke-me", scope: .admin)
        let authenticator = TokenAuthenticator(store: store, cacheMilliseconds: 100, staleMillisecondsMax: 300)
        #expect(try await authenticator.authenticate(authorization: "Bearer \(token)") != nil)
        try await store.revoke(name: "revoke-me")
        try await Task.sleep(for: .milliseconds(350))
        #expect(try await authenticator.authenticate(authorization: "Bearer \(token)") == nil)
        await pool.close()
    }
}
