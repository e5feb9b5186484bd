import Basics
import Hummingbird
import Pricing
import TestSupport
import Testing

@testable import API

@Suite struct CheapestAnswerCacheTests {
    private func body(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test func holdsAtMostTwoGenerationsAndPromotesOldHits() throws {
        let cache = CheapestAnswerCache(generationEntriesMax: 2)
        let day = try #require(CalendarDay(iso: "2026-12-04"))
        let keys = try (0..<5).map { try #require(CheapestAnswerCache.key(query: "family=f\($0)", day: day)) }
        for key in keys.prefix(3) { cache.store(body(key.query), for: key) }
        // keys 0 and 1 filled the first generation, which became the previous one at key 2.
        #expect(cache.count == 3)
        #expect(cache.answer(for: keys[0]) == body("family=f0"))
        // The hit was promoted into the current generation, which is now full (keys 2 and 0),
        // so key 3 rotates again: key 1, never read, is dropped.
        cache.store(body(keys[3].query), for: keys[3])
        cache.store(body(keys[4].query), for: keys[4])
        #expect(cache.count <= 4)
        #expect(cache.answer(for: keys[1]) == nil)
        #expect(cache.answer(for: keys[4]) == body("family=f4"))
    }

    @Test func keysCarryTheDayAndRefuseLongQueries() throws {
        let cache = CheapestAnswerCache()
        let monday = try #require(CalendarDay(iso: "2026-12-07"))
        let tuesday = try #require(CalendarDay(iso: "2026-12-08"))
        let mondayKey = try #require(CheapestAnswerCache.key(query: "family=wan-2.5", day: monday))
        cache.store(body("monday"), for: mondayKey)
        let tuesdayKey = try #require(CheapestAnswerCache.key(query: "family=wan-2.5", day: tuesday))
        #expect(cache.answer(for: tuesdayKey) == nil)
        let long = String(repeating: "x", count: CheapestAnswerCache.queryBytesMax + 1)
        #expect(CheapestAnswerCache.key(query: long, day: monday) == nil)
    }

    /// The route answers a repeated question from the cache with the same bytes a fresh
    /// computation gives, and never caches a refusal.
    @Test func repeatedQuestionsGetTheSameAnswer() async throws {
        let server = try await APITestServer.start()
        let path = "/v1/quotes/cheapest?family=veo-3.1-fast&duration=8s&resolution=1080p"
        let first = try await server.request(.get, path, token: .read)
        let second = try await server.request(.get, path, token: .read)
        #expect(first.status == 200)
        #expect(second.status == 200)
        #expect(first.body == second.body)
        let today = CalendarDay.today().description
        let priced = try await server.request(.get, path + "&priced_on=\(today)", token: .read)
        #expect(priced.body == first.body)
        for _ in 0..<2 {
            let refused = try await server.request(
                .get, "/v1/quotes/cheapest?family=veo-3.1-fast&duration=-1", token: .read)
            #expect(refused.status == 400, "\(refused.body)")
            #expect(errorCode(refused.json) == "invalid_duration")
        }
        let unauthenticated = try await server.request(.get, path, token: .none)
        #expect(unauthenticated.status == 401)
        await server.stop()
    }
}
