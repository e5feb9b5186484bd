import Postgres
import Testing

/// The staleness bound of `ReplicaStaleness` on made-up samples: no server, no clock waits.
@Suite struct ReplicaStalenessTests {
    let start = ContinuousClock.now

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    @Test func walPositionsParseAndCompareAsNumbers() {
        #expect(WALPosition(text: "0/0")?.value == 0)
        #expect(WALPosition(text: "16/B374D848")?.value == 0x16_B374_D848)
        #expect(WALPosition(text: "16/B374D848")?.description == "16/B374D848")
        #expect(WALPosition(text: "1/0")! > WALPosition(text: "0/FFFFFFFF")!)
        for bad in ["", "0", "/1", "1/", "x/1", "1/2/3", "123456789/0"] { #expect(WALPosition(text: bad) == nil) }
    }

    /// An idle primary: the standby has replayed its unchanged position, so the newest sample
    /// (a moment old) bounds the staleness, however long the primary has been idle.
    @Test func anIdlePrimaryKeepsTheBoundSmall() {
        var staleness = ReplicaStaleness()
        let position = WALPosition(value: 1_000)
        for second in 0..<100 {
            staleness.record(.init(takenAt: at(second * 1_000), primaryPosition: position))
            #expect(staleness.bound(replayed: position, now: at(second * 1_000 + 3)) == .milliseconds(3))
        }
    }

    /// A paused standby covers only the sample taken before the primary moved on: the bound is
    /// that sample's age and grows while the primary writes.
    @Test func aStandbyThatStopsReplayingGrowsStale() {
        var staleness = ReplicaStaleness()
        let replayed = WALPosition(value: 500)
        staleness.record(.init(takenAt: at(0), primaryPosition: replayed))
        staleness.record(.init(takenAt: at(1_000), primaryPosition: WALPosition(value: 900)))
        #expect(staleness.bound(replayed: replayed, now: at(1_010)) == .milliseconds(1_010))
        staleness.record(.init(takenAt: at(2_000), primaryPosition: WALPosition(value: 1_300)))
        #expect(staleness.bound(replayed: replayed, now: at(2_010)) == .milliseconds(2_010))
        // Caught up to the middle sample: bounded by it; older samples are dropped.
        #expect(staleness.bound(replayed: WALPosition(value: 950), now: at(2_020)) == .milliseconds(1_020))
        #expect(staleness.samples.count == 2)
    }

    /// A standby behind every sample kept has an unknown bound; a primary whose position went
    /// backwards (another server) starts the samples afresh.
    @Test func unknownAndFailover() {
        var staleness = ReplicaStaleness()
        staleness.record(.init(takenAt: at(0), primaryPosition: WALPosition(value: 800)))
        #expect(staleness.bound(replayed: WALPosition(value: 700), now: at(5)) == nil)
        staleness.record(.init(takenAt: at(10), primaryPosition: WALPosition(value: 100)))
        #expect(staleness.samples.count == 1)
        #expect(staleness.bound(replayed: WALPosition(value: 100), now: at(15)) == .milliseconds(5))
        for index in 0..<(ReplicaStaleness.samplesMax + 10) {
            staleness.record(.init(takenAt: at(20 + index), primaryPosition: WALPosition(value: UInt64(200 + index))))
        }
        #expect(staleness.samples.count == ReplicaStaleness.samplesMax)
    }
}
