import Basics
import Hummingbird
import Pricing
import Synchronization

/// Finished `GET /v1/quotes/cheapest` bodies, keyed by the request's raw query and the UTC day.
///
/// The price catalog is immutable for the life of the process, so the same query on the same
/// day always has the same answer (the day matters: `effective_from` and `retired_at` are
/// dates, and a query without `priced_on` prices on today). Dashboards ask the same few
/// questions over and over; answering them from here skips normalizing, ranking every
/// provider and encoding JSON, which was most of the route's cost.
///
/// Bounded: two generations of at most `generationEntriesMax` entries each. When the current
/// generation fills up it becomes the previous one and the old previous one is dropped, so the
/// cache holds at most `2 × generationEntriesMax` answers and a hit in the previous generation
/// is promoted (a cheap approximation of least-recently-used). Only successful answers are
/// kept; errors are cheap to recompute and must never outlive a fix.
final class CheapestAnswerCache: Sendable {
    /// Longer queries are answered but not cached, so a caller cannot fill memory with keys.
    static let queryBytesMax = 512

    struct Key: Hashable, Sendable {
        let query: String
        let day: CalendarDay
        /// The scorecard generation ranked with: a refresh makes every answer new.
        let generation: UInt64
    }

    private struct Generations {
        var current: [Key: ByteBuffer] = [:]
        var previous: [Key: ByteBuffer] = [:]
    }

    let generationEntriesMax: Int
    private let generations = Mutex(Generations())

    init(generationEntriesMax: Int = 2_048) {
        precondition(
            generationEntriesMax >= 1 && generationEntriesMax <= 1_000_000, "generationEntriesMax out of range")
        self.generationEntriesMax = generationEntriesMax
    }

    /// The cache key for a request, or nil when the query is too long to cache.
    static func key(query: String, day: CalendarDay, generation: UInt64 = 0) -> Key? {
        guard query.utf8.count <= queryBytesMax else { return nil }
        return Key(query: query, day: day, generation: generation)
    }

    func answer(for key: Key) -> ByteBuffer? {
        generations.withLock { generations in
            if let body = generations.current[key] { return body }
            guard let body = generations.previous[key] else { return nil }
            Self.insert(body, for: key, into: &generations, generationEntriesMax: generationEntriesMax)
            return body
        }
    }

    func store(_ body: ByteBuffer, for key: Key) {
        generations.withLock { generations in
            Self.insert(body, for: key, into: &generations, generationEntriesMax: generationEntriesMax)
        }
    }

    /// Answers held now (both generations; a promoted key may count twice).
    var count: Int {
        generations.withLock { $0.current.count + $0.previous.count }
    }

    private static func insert(
        _ body: ByteBuffer, for key: Key, into generations: inout Generations, generationEntriesMax: Int
    ) {
        if generations.current.count >= generationEntriesMax {
            generations.previous = generations.current
            generations.current = [:]
            generations.current.reserveCapacity(generationEntriesMax)
        }
        generations.current[key] = body
        assert(generations.current.count <= generationEntriesMax && generations.previous.count <= generationEntriesMax)
    }
}
