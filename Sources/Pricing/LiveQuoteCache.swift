import Basics
import Synchronization

/// Live quotes kept briefly, per parameter combination: Venice says its quotes are point in time
/// and should be cached and re-asked periodically. Bounded in entries and in age.
public final class LiveQuoteCache: Sendable {
    public let maxEntries: Int
    public let ttlMilliseconds: Int64

    private struct Entry {
        let micros: Int64
        let storedAtMilliseconds: Int64
    }

    private let entries = Mutex<[LiveQuoteQuery: Entry]>([:])
    private let nowMilliseconds: @Sendable () -> Int64

    /// - Parameters:
    ///   - maxEntries: at most this many quotes are kept; storing one more evicts the oldest.
    ///   - ttlMilliseconds: a quote older than this is not returned.
    ///   - nowMilliseconds: a monotonic clock in ms (injected by tests).
    public init(
        maxEntries: Int, ttlMilliseconds: Int64,
        nowMilliseconds: @escaping @Sendable () -> Int64 = LiveQuoteCache.monotonicMilliseconds
    ) {
        precondition(maxEntries > 0, "a live quote cache holds at least one entry")
        precondition(ttlMilliseconds > 0, "a live quote cache keeps entries for a positive time")
        self.maxEntries = maxEntries
        self.ttlMilliseconds = ttlMilliseconds
        self.nowMilliseconds = nowMilliseconds
    }

    /// The cached quote, if one younger than the TTL exists.
    public func micros(for query: LiveQuoteQuery) -> Int64? {
        let now = nowMilliseconds()
        return entries.withLock { entries in
            guard let entry = entries[query] else { return nil }
            guard now - entry.storedAtMilliseconds < ttlMilliseconds else {
                entries[query] = nil
                return nil
            }
            return entry.micros
        }
    }

    public func store(_ micros: Int64, for query: LiveQuoteQuery) {
        let now = nowMilliseconds()
        entries.withLock { entries in
            if entries[query] == nil && entries.count >= maxEntries {
                entries = entries.filter { now - $0.value.storedAtMilliseconds < ttlMilliseconds }
                if entries.count >= maxEntries,
                    let oldest = entries.min(by: { $0.value.storedAtMilliseconds < $1.value.storedAtMilliseconds })
                {
                    entries[oldest.key] = nil
                }
            }
            entries[query] = Entry(micros: micros, storedAtMilliseconds: now)
        }
    }

    public var count: Int { entries.withLock { $0.count } }

    /// Milliseconds on a monotonic clock since the first call in this process.
    public static func monotonicMilliseconds() -> Int64 {
        processStart.duration(to: .now).wholeMilliseconds
    }

    private static let processStart = ContinuousClock.now
}
