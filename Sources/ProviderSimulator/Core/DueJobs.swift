/// The unsettled jobs of one simulated provider, ordered by the instant their outcome is due: a
/// binary min-heap, so each request settles what is due in O(log n) per job instead of looking
/// at every job it keeps (10,000 by default, which made every status request cost as much as
/// the whole store).
struct DueJobs {
    private var entries: [(dueAtUnixMilliseconds: Int64, id: String)] = []

    var count: Int { entries.count }

    mutating func insert(id: String, dueAtUnixMilliseconds: Int64) {
        entries.append((dueAtUnixMilliseconds, id))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].dueAtUnixMilliseconds < entries[parent].dueAtUnixMilliseconds else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the id of the job due earliest, if it is due at `now`.
    mutating func popDue(atUnixMilliseconds now: Int64) -> String? {
        guard let first = entries.first, first.dueAtUnixMilliseconds <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < entries.count, entries[left].dueAtUnixMilliseconds < entries[smallest].dueAtUnixMilliseconds {
                    smallest = left
                }
                if right < entries.count, entries[right].dueAtUnixMilliseconds < entries[smallest].dueAtUnixMilliseconds
                {
                    smallest = right
                }
                guard smallest != parent else { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first.id
    }
}
