import Testing

@testable import ProviderSimulator

/// The simulator settles a job exactly when its outcome is due, in due order, each once.
@Suite struct DueJobsTests {
    @Test func popsInDueOrderOnlyWhatIsDue() {
        var due = DueJobs()
        var random = SplitMix64(seed: 7)
        var expected: [(Int64, String)] = []
        for index in 0..<500 {
            let at = Int64(random.next() % 10_000)
            due.insert(id: "j\(index)", dueAtUnixMilliseconds: at)
            expected.append((at, "j\(index)"))
        }
        #expect(due.popDue(atUnixMilliseconds: -1) == nil)
        var popped: [(Int64, String)] = []
        for now in stride(from: Int64(0), through: 10_000, by: 250) {
            while let id = due.popDue(atUnixMilliseconds: now) {
                let at = expected.first { $0.1 == id }!.0
                #expect(at <= now, "\(id) due at \(at) popped at \(now)")
                popped.append((at, id))
            }
            #expect(due.count == expected.filter { $0.0 > now }.count)
        }
        #expect(popped.map(\.0) == popped.map(\.0).sorted())
        #expect(Set(popped.map(\.1)) == Set(expected.map(\.1)) && popped.count == 500)
    }
}
