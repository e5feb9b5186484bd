import Basics
import CCurl

#if canImport(Glibc)
    import Glibc
#endif

/// The driver thread's loop: the only code that calls curl with the multi handle or any easy
/// handle, as libcurl requires (one thread per handle at a time).
///
/// Each turn: take new requests and cancellations from the mailbox, admit waiting requests into
/// curl within the connection caps, let curl make progress, finish completed and overdue
/// requests, resume their callers, then sleep in `curl_multi_poll` until a socket is ready,
/// curl's own timer fires, or a caller wakes it. Created, run and dropped on the driver thread;
/// not Sendable.
final class CurlDriverLoop {
    /// Sleep bound while nothing is in flight; a wakeup ends it early, so it only bounds the wait.
    private static let idlePollMilliseconds: Int32 = 1_000

    private let driver: CurlMultiDriver
    private let multi: UnsafeMutableRawPointer
    private let configuration: CurlHTTPClient.Configuration
    /// Requests accepted but not yet in curl.
    private var admission: CurlAdmissionQueue
    /// Requests in curl, by id.
    private var transfers: [UInt64: CurlTransfer] = [:]
    /// Callers to resume at the end of this turn, after their slots have been released, so a
    /// caller that sees its result can submit again at once without finding the client full.
    private var resumptions: [(CurlSubmission.Continuation, Result<HTTPResponse, HTTPClientError>)] = []
    private var deadlineCheckNext = ContinuousClock.now

    init(driver: CurlMultiDriver) {
        self.driver = driver
        self.multi = driver.multi.raw
        self.configuration = driver.configuration
        self.admission = CurlAdmissionQueue(
            connectionsMax: driver.configuration.connectionsMax,
            connectionsPerHostMax: driver.configuration.connectionsPerHostMax
        )
    }

    /// Runs until the client stops and every transfer has finished, then frees the multi handle.
    /// On stop, requests still waiting fail with `.unavailable`; those in curl are not aborted:
    /// each ends by its own deadline at the latest.
    func run() {
        while true {
            let work = driver.takeWork()
            for submission in work.submissions {
                admission.enqueue(submission)
            }
            cancel(Set(work.cancellations))
            if work.stopping {
                for submission in admission.removeWaiting(where: { _ in true }) {
                    resumptions.append((submission.continuation, .failure(.unavailable("shutting down"))))
                }
            }
            admitWaiting()
            if !transfers.isEmpty {
                perform()
                expireOverdue()
                // Completions freed connections; new transfers start on the next turn, which comes
                // at once because curl asks for an immediate call for each added handle.
                admitWaiting()
            }
            resumeFinished()
            if work.stopping && transfers.isEmpty { break }
            waitForActivity()
        }
        precondition(transfers.isEmpty && admission.waitingCount == 0, "the driver stopped with requests left")
        driver.finishStopping()
    }

    /// Ends cancelled requests, whether in curl or still waiting. Ids not found belong to requests
    /// that already finished: the cancellation lost the race with completion, and nothing happens.
    private func cancel(_ ids: Set<UInt64>) {
        guard !ids.isEmpty else { return }
        for id in ids where transfers[id] != nil {
            finish(id: id, .failure(.cancelled))
        }
        for submission in admission.removeWaiting(where: { ids.contains($0.id) }) {
            resumptions.append((submission.continuation, .failure(.cancelled)))
        }
    }

    /// Moves waiting requests into curl while the connection caps allow. Bounded: each admission
    /// takes one of at most `connectionsMax` active slots.
    private func admitWaiting() {
        while let submission = admission.admitNext() {
            if let failure = start(submission) {
                admission.finished(connectionKey: submission.connectionKey)
                resumptions.append((submission.continuation, .failure(failure)))
            }
        }
    }

    /// Adds the request's transfer to curl, or says why it could not start.
    private func start(_ submission: CurlSubmission) -> HTTPClientError? {
        let remainingMilliseconds = Self.milliseconds(from: ContinuousClock.now, to: submission.deadline)
        guard remainingMilliseconds >= 1 else { return .timedOut }
        let made = CurlTransfer.make(
            submission,
            configuration: configuration,
            remainingMilliseconds: remainingMilliseconds
        )
        let transfer: CurlTransfer
        switch made {
        case .success(let configured): transfer = configured
        case .failure(let error): return error
        }
        let code = curl_multi_add_handle(multi, transfer.easy)
        guard code == CURLM_OK else { return .curlMulti(code, during: "curl_multi_add_handle") }
        precondition(transfers[transfer.id] == nil, "request ids are unique")
        transfers[transfer.id] = transfer
        return nil
    }

    /// Releases the finished requests' slots, then resumes their callers. Each caller is resumed
    /// exactly once: it enters `resumptions` only from the one place that took its submission out
    /// of the admission queue or its transfer out of the table.
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

    /// Fails requests past their deadline, waiting or in curl. curl's `CURLOPT_TIMEOUT_MS` covers
    /// transfers that have a connection; this also covers the rest, at `pollIntervalMilliseconds`
    /// precision.
    private func expireOverdue() {
        let now = ContinuousClock.now
        guard now >= deadlineCheckNext else { return }
        deadlineCheckNext = now.advanced(by: .milliseconds(configuration.pollIntervalMilliseconds))
        let overdue = transfers.values.filter { $0.deadline <= now }.map(\.id)
        for id in overdue {
            finish(id: id, .failure(.timedOut))
        }
        for submission in admission.removeWaiting(where: { $0.deadline <= now }) {
            resumptions.append((submission.continuation, .failure(.timedOut)))
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

    /// Takes a transfer out of curl, frees its connection slot and queues its caller's result.
    private func finish(id: UInt64, _ result: Result<HTTPResponse, HTTPClientError>) {
        guard let transfer = transfers.removeValue(forKey: id) else { return }
        // Fails only for handles not in this multi handle, which the table rules out.
        _ = curl_multi_remove_handle(multi, transfer.easy)
        admission.finished(connectionKey: transfer.connectionKey)
        resumptions.append((transfer.continuation, result))
    }

    private func finishAll(_ error: HTTPClientError) {
        for id in Array(transfers.keys) {
            finish(id: id, .failure(error))
        }
    }

    /// Whole milliseconds from `start` to `end`, rounded down; negative once `end` has passed.
    static func milliseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Int {
        Int((end - start).wholeMilliseconds)
    }
}
