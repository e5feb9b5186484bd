/// How stale a standby can be, measured without comparing clocks of different machines and
/// without being fooled by an idle primary.
///
/// The method: now and then (at most once per check interval, while dashboard reads arrive)
/// the read router notes the instant `t` on this process's monotonic clock, then asks the
/// primary for its WAL write position `p` (`pg_current_wal_lsn()`). Every transaction committed
/// on the primary before `t` ends at or before `p`. When a standby reports that it has replayed
/// up to `r` (`pg_last_wal_replay_lsn()`) and `r >= p`, it therefore shows everything committed
/// before `t`: what it answers is at most `now - t` old. Of the samples kept, the newest one the
/// standby has replayed gives the tightest bound.
///
/// An idle primary costs nothing here: its position stops moving, the standby replays up to it,
/// and the newest sample (a moment old) is covered, so the bound stays small. A paused, slow or
/// disconnected standby stops covering new samples, and the bound grows with the age of the
/// last sample it covers. `now() - pg_last_xact_replay_timestamp()` has neither property: it
/// grows without limit on an idle primary and it compares two servers' clocks.
///
/// Commits made with `synchronous_commit = off` can be visible on the primary up to
/// `wal_writer_delay` (200 ms by default) before they are in the write position; VideoLedger
/// commits synchronously.
public struct ReplicaStaleness: Sendable {
    public struct Sample: Sendable, Equatable {
        public let takenAt: ContinuousClock.Instant
        public let primaryPosition: WALPosition

        public init(takenAt: ContinuousClock.Instant, primaryPosition: WALPosition) {
            self.takenAt = takenAt
            self.primaryPosition = primaryPosition
        }
    }

    /// Samples kept at most; older ones are dropped first. A standby more than this many
    /// samples behind is reported as of unknown staleness (and not read from).
    public static let samplesMax = 64

    /// Oldest first, positions never decreasing.
    public private(set) var samples: [Sample] = []

    public init() {}

    /// Records the primary's position as of `takenAt` (noted before asking the primary).
    public mutating func record(_ sample: Sample) {
        if let last = samples.last, sample.primaryPosition < last.primaryPosition {
            // A different primary (failover, restore): earlier samples say nothing about it.
            samples.removeAll()
        }
        samples.append(sample)
        if samples.count > Self.samplesMax { samples.removeFirst(samples.count - Self.samplesMax) }
    }

    /// How old at most, at `now`, an answer is from a standby that has replayed up to
    /// `replayed`; nil when it has replayed none of the samples (its staleness is unknown).
    /// Samples older than the newest covered one are dropped: replay only moves forward.
    public mutating func bound(replayed: WALPosition, now: ContinuousClock.Instant) -> Duration? {
        guard let index = samples.lastIndex(where: { $0.primaryPosition <= replayed }) else { return nil }
        let covered = samples[index]
        samples.removeFirst(index)
        return max(.zero, now - covered.takenAt)
    }
}
