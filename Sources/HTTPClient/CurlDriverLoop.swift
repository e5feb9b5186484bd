import CCurl

#if canImport(Glibc)
    import Glibc
#endif

/// The driver thread's loop: the only code that calls curl with the multi handle or any easy
/// handle, as libcurl requires (one thread per handle at a time).
///
/// Each turn: take new requests and cancellations from the mailbox, start and stop transfers,
/// let curl make progress, finish completed transfers, expire overdue ones, then sleep in
/// `curl_multi_poll` until a socket is ready, curl's own timer fires, or a caller wakes it.
/// Created, run and dropped on the driver thread; not Sendable.
final class CurlDriverLoop {
    /// Sleep bound while nothing is in flight; a wakeup ends it early, so it only bounds the wait.
    private static let idlePollMilliseconds: Int32 = 1_000

    private let driver: CurlMultiDriver
    private let multi: UnsafeMutableRawPointer
    private let configuration: CurlHTTPClient.Configuration
    private var transfers: [UInt64: CurlTransfer] = [:]
    /// Callers to resume at the end of this turn, after their slots have been released, so a
    /// caller that sees its result can submit again at once without finding the client full.
    private var resumptions: [(CurlSubmission.Continuation, Result<HTTPResponse, HTTPClientError>)] = []
    private var deadlineCheckNext = ContinuousClock.now

    init(driver: CurlMultiDriver) {
        self.driver = driver
        self.multi = driver.multi.raw
        self.configuration = driver.configuration
    }

    /// Runs until the client stops and every transfer has finished, then frees the multi handle.
    /// In-flight transfers are not aborted on stop: each ends by its own deadline at the latest.
    func run() {
        while true {
            let work = driver.takeWork()
            let cancelled = Set(work.cancellations)
            for submission in work.submissions {
                start(submission, cancelled: cancelled.contains(submission.id))
            }
            for id in work.cancellations {
                finish(id: id, .failure(.cancelled))
            }
            if !transfers.isEmpty {
                perform()
                expireOverdue()
            }
            resumeFinished()
            if work.stopping && transfers.isEmpty { break }
            waitForActivity()
        }
        precondition(transfers.isEmpty, "the driver stopped with transfers in curl")
        driver.finishStopping()
    }

    private func start(_ submission: CurlSubmission, cancelled: Bool) {
        guard !cancelled else {
            resumptions.append((submission.continuation, .failure(.cancelled)))
            return
        }
        let remainingMilliseconds = Self.milliseconds(from: ContinuousClock.now, to: submission.deadline)
        guard remainingMilliseconds >= 1 else {
            resumptions.append((submission.continuation, .failure(.timedOut)))
            return
        }
        let transfer: CurlTransfer
        switch CurlTransfer.make(submission, configuration: configuration, remainingMilliseconds: remainingMilliseconds) {
        case .success(let made):
            transfer = made
        case .failure(let error):
            resumptions.append((submission.continuation, .failure(error)))
            return
        }
        let code = curl_multi_add_handle(multi, transfer.easy)
        guard code == CURLM_OK else {
            resumptions.append((submission.continuation, .failure(.curlMulti(code, during: "curl_multi_add_handle"))))
            return
        }
        precondition(transfers[transfer.id] == nil, "request ids are unique")
        transfers[transfer.id] = transfer
    }

    /// Releases the finished requests' slots, then resumes their callers. Each caller is resumed
    /// exactly once: it enters `resumptions` only from the one place that consumed its submission
    /// or removed its transfer from the table.
    private func resumeFinished() {
        guard !resumptions.isEmpty else { return }
        driver.release(finishedCount: resumptions.count)
        for (continuation, result) in resumptions {
            continuation.resume(returning: result)
        }
        resumptions.removeAll(keepingCapacity: true)
    }

    /// Lets curl read and write, then finishes every transfer it reports done.
    private func perform() {
        var runningCount: Int32 = 0
        let code = curl_multi_perform(multi, &runningCount)
        guard code == CURLM_OK else {
            finishAll(.curlMulti(code, during: "curl_multi_perform"))
            return
        }
        var queuedCount: Int32 = 0
        // Bounded: curl reports each transfer done once, and there are `transfers.count` of them.
        while let message = curl_multi_info_read(multi, &queuedCount) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let result = message.pointee.data.result
            var idPointer: UnsafeMutableRawPointer? = nil
            let infoCode = vl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &idPointer)
            precondition(infoCode == CURLE_OK, "CURLINFO_PRIVATE is always available")
            let id = UInt64(UInt(bitPattern: idPointer))
            guard let transfer = transfers[id] else {
                preconditionFailure("curl finished a transfer the driver does not know")
            }
            finish(id: id, transfer.outcome(result))
        }
    }

    /// Fails transfers past their deadline. curl enforces `CURLOPT_TIMEOUT_MS` only once a
    /// transfer has a connection, so a request still queued inside curl for a free connection
    /// (all connections to its host busy) would otherwise outlive its deadline.
    private func expireOverdue() {
        let now = ContinuousClock.now
        guard now >= deadlineCheckNext else { return }
        deadlineCheckNext = now.advanced(by: .milliseconds(configuration.pollIntervalMilliseconds))
        let overdue = transfers.values.filter { $0.deadline <= now }.map(\.id)
        for id in overdue {
            finish(id: id, .failure(.timedOut))
        }
    }

    private func waitForActivity() {
        let timeoutMilliseconds =
            transfers.isEmpty ? Self.idlePollMilliseconds : Int32(configuration.pollIntervalMilliseconds)
        let code = curl_multi_poll(multi, nil, 0, timeoutMilliseconds, nil)
        guard code == CURLM_OK else {
            finishAll(.curlMulti(code, during: "curl_multi_poll"))
            // Keeps a handle that keeps failing from turning this loop into a busy spin.
            usleep(UInt32(configuration.pollIntervalMilliseconds) * 1_000)
            return
        }
    }

    /// Takes a transfer out of curl and queues its caller's result. Unknown ids are requests that
    /// already finished, which is how a cancellation that lost the race with completion ends.
    private func finish(id: UInt64, _ result: Result<HTTPResponse, HTTPClientError>) {
        guard let transfer = transfers.removeValue(forKey: id) else { return }
        // Fails only for handles not in this multi handle, which the table rules out.
        _ = curl_multi_remove_handle(multi, transfer.easy)
        resumptions.append((transfer.continuation, result))
    }

    private func finishAll(_ error: HTTPClientError) {
        for id in Array(transfers.keys) {
            finish(id: id, .failure(error))
        }
    }

    /// Whole milliseconds from `start` to `end`, rounded down; negative once `end` has passed.
    static func milliseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Int {
        let (seconds, attoseconds) = (end - start).components
        return Int(seconds) * 1_000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
