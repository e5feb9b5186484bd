/// Decides which waiting request may enter curl next, so that every request handed to curl can
/// have a connection at once.
///
/// curl itself queues transfers beyond its connection caps, but a transfer queued there has no
/// deadline (`CURLOPT_TIMEOUT_MS` starts with the connection) and costs curl work on every call.
/// So the driver admits a request only while fewer than `connectionsMax` are active in total and
/// fewer than `connectionsPerHostMax` for its host, taking hosts in turn so one busy provider
/// cannot hold back the others. Pure bookkeeping: no curl, no clock, no threads.
struct CurlAdmissionQueue {
    /// One host's waiting requests, oldest first, and how many of its requests are in curl.
    /// Always mutated in place through `hosts[key]?`: a copy would duplicate the whole FIFO.
    private struct Host {
        /// A FIFO as an array and a head index; admitted slots are set to nil and compacted away.
        var waiting: [CurlSubmission?] = []
        var head = 0
        var activeCount = 0

        var waitingCount: Int { waiting.count - head }

        /// The oldest waiting request, now counted as active; nil when the host is at its cap.
        mutating func admitOldest(connectionsPerHostMax: Int) -> CurlSubmission? {
            guard activeCount < connectionsPerHostMax, head < waiting.count else { return nil }
            guard let submission = waiting[head] else { preconditionFailure("slots from head on hold requests") }
            waiting[head] = nil
            head += 1
            activeCount += 1
            if head == waiting.count {
                waiting.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 64, head * 2 >= waiting.count {
                // Keeps the array within twice the waiting requests.
                waiting.removeFirst(head)
                head = 0
            }
            return submission
        }

        /// Takes out the waiting requests that match, keeping the others in order.
        mutating func removeWaiting(where matches: (CurlSubmission) -> Bool) -> [CurlSubmission] {
            var removed: [CurlSubmission] = []
            var kept: [CurlSubmission?] = []
            for case let submission? in waiting[head...] {
                if matches(submission) {
                    removed.append(submission)
                } else {
                    kept.append(submission)
                }
            }
            waiting = kept
            head = 0
            return removed
        }
    }

    let connectionsMax: Int
    let connectionsPerHostMax: Int
    private(set) var activeCount = 0
    private(set) var waitingCount = 0
    /// Only hosts with waiting or active requests, so the table is bounded by the requests.
    private var hosts: [String: Host] = [:]
    /// Hosts with waiting requests, visited in turn by `admitNext`.
    private var rotation: [String] = []
    private var rotationNext = 0

    init(connectionsMax: Int, connectionsPerHostMax: Int) {
        precondition(connectionsMax >= 1 && connectionsPerHostMax >= 1, "caps must allow one connection")
        self.connectionsMax = connectionsMax
        self.connectionsPerHostMax = connectionsPerHostMax
    }

    mutating func enqueue(_ submission: CurlSubmission) {
        let key = submission.connectionKey
        if hosts[key]?.waitingCount ?? 0 == 0 { rotation.append(key) }
        hosts[key, default: Host()].waiting.append(submission)
        waitingCount += 1
    }

    /// The oldest waiting request of the next host with a free connection, now counted as active;
    /// nil when the total cap is reached or every waiting host is at its cap.
    mutating func admitNext() -> CurlSubmission? {
        guard activeCount < connectionsMax else { return nil }
        // Bounded: one look at each host with waiting requests.
        for step in 0..<rotation.count {
            let index = (rotationNext + step) % rotation.count
            let key = rotation[index]
            guard let submission = hosts[key]?.admitOldest(connectionsPerHostMax: connectionsPerHostMax) else {
                continue
            }
            activeCount += 1
            waitingCount -= 1
            if hosts[key]?.waitingCount == 0 {
                rotation.remove(at: index)
                rotationNext = rotation.isEmpty ? 0 : index % rotation.count
            } else {
                rotationNext = (index + 1) % rotation.count
            }
            return submission
        }
        return nil
    }

    /// Frees the connection slot of an admitted request that has left curl.
    mutating func finished(connectionKey key: String) {
        guard let hostActiveCount = hosts[key]?.activeCount, hostActiveCount > 0 else {
            preconditionFailure("finished a request that was not admitted")
        }
        activeCount -= 1
        if hostActiveCount == 1 && hosts[key]?.waitingCount == 0 {
            hosts[key] = nil
        } else {
            hosts[key]?.activeCount -= 1
        }
    }

    /// Takes out every waiting request that matches, oldest first per host: cancelled, overdue, or
    /// all of them when the client stops.
    mutating func removeWaiting(where matches: (CurlSubmission) -> Bool) -> [CurlSubmission] {
        guard waitingCount > 0 else { return [] }
        var removed: [CurlSubmission] = []
        for key in rotation {
            removed += hosts[key]?.removeWaiting(where: matches) ?? []
            if hosts[key].map({ $0.activeCount == 0 && $0.waitingCount == 0 }) == true {
                hosts[key] = nil
            }
        }
        rotation.removeAll { (hosts[$0]?.waitingCount ?? 0) == 0 }
        rotationNext = 0
        waitingCount -= removed.count
        precondition(waitingCount >= 0, "removed more requests than were waiting")
        return removed
    }
}
