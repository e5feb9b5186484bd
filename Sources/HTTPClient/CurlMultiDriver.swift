import CCurl
import Foundation
import Synchronization

/// A request on its way to the driver thread.
struct CurlSubmission: Sendable {
    typealias Continuation = CheckedContinuation<Result<HTTPResponse, HTTPClientError>, Never>

    let id: UInt64
    let request: HTTPRequest
    /// `request.connectionKey`, computed by the caller to spare the driver thread.
    let connectionKey: String
    /// Fixed when `execute` was called, so time spent queued counts against the request.
    let deadline: ContinuousClock.Instant
    let continuation: Continuation
}

/// The `CURLM *`, made sendable so the driver object can be shared with callers.
///
/// Invariant: only the driver thread passes this pointer to curl, with one exception:
/// `curl_multi_wakeup`, which libcurl documents as callable from any thread. Other threads call it
/// only while holding the driver's lock with `CurlDriverMailbox.multiAwake` true, and the driver
/// thread clears that flag under the same lock before `curl_multi_cleanup`, so no thread can wake
/// a freed handle.
struct CurlMultiPointer: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
}

/// Everything callers and the driver thread exchange; guarded by one `Mutex`.
struct CurlDriverMailbox {
    enum Phase { case running, stopping, stopped }

    var phase = Phase.running
    /// New requests, in arrival order. The driver takes them all on each turn of its loop.
    var submissions: [CurlSubmission] = []
    /// Requests whose task was cancelled. Ids of finished requests are ignored by the driver.
    var cancellations: [UInt64] = []
    /// Requests accepted and not yet finished: queued here or in curl. Bounded by `pendingRequestsMax`.
    var acceptedCount = 0
    /// True while a `curl_multi_wakeup` is outstanding, so a burst of submissions wakes the driver once.
    var wakeupPending = false
    /// False once the driver thread is about to free the multi handle; see `CurlMultiPointer`.
    var multiAwake = true
    var stopWaiters: [CheckedContinuation<Void, Never>] = []
}

/// What the driver thread takes from the mailbox on one turn of its loop.
struct CurlDriverWork {
    let submissions: [CurlSubmission]
    let cancellations: [UInt64]
    let stopping: Bool
}

/// The thread-safe half of the client: one multi handle, the mailbox in front of it, and the one
/// thread that drives it. Callers only touch the mailbox; `CurlDriverLoop` does all curl work.
final class CurlMultiDriver: Sendable {
    let configuration: CurlHTTPClient.Configuration
    let multi: CurlMultiPointer
    private let mailbox = Mutex(CurlDriverMailbox())
    private let requestIDLast = Atomic<UInt64>(0)

    init(configuration: CurlHTTPClient.Configuration) throws(HTTPClientError) {
        configuration.validate()
        guard CurlGlobal.initialization == CURLE_OK else {
            throw .unavailable(
                "curl_global_init failed: \(String(cString: curl_easy_strerror(CurlGlobal.initialization)))"
            )
        }
        guard let raw = curl_multi_init() else { throw .unavailable("curl_multi_init failed") }
        let options: [(CURLMoption, Int)] = [
            (CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.connectionsMax),
            (CURLMOPT_MAX_HOST_CONNECTIONS, configuration.connectionsPerHostMax),
            // The cache of idle connections kept for reuse: as many as may be open at once.
            (CURLMOPT_MAXCONNECTS, configuration.connectionsMax),
            // HTTP/1.1 only, one request per connection at a time: connection caps mean what they say.
            (CURLMOPT_PIPELINING, Int(CURLPIPE_NOTHING)),
        ]
        for (option, value) in options {
            let code = vl_multi_setopt_long(raw, option, value)
            guard code == CURLM_OK else {
                curl_multi_cleanup(raw)
                throw .curlMulti(code, during: "curl_multi_setopt")
            }
        }
        self.configuration = configuration
        self.multi = CurlMultiPointer(raw: raw)
    }

    /// Starts the driver thread. It keeps `self` alive until it has freed the multi handle.
    func start() {
        let thread = Thread { [self] in
            // For debuggers and `perf`. Set from the thread itself: only then does Foundation name
            // the OS thread. At most 15 characters on Linux.
            Thread.current.name = "curl-driver"
            CurlDriverLoop(driver: self).run()
        }
        thread.start()
    }

    /// A fresh id for one request, known before submission so cancellation can name it.
    func makeRequestID() -> UInt64 {
        requestIDLast.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// Queues a request for the driver thread, or resumes it at once when it cannot be accepted.
    ///
    /// Checking `Task.isCancelled` under the lock closes the race with `cancel(requestID:)`: a task
    /// is marked cancelled before its cancellation handler runs, so either this check sees the mark
    /// or the handler's `cancel` runs after the request is queued and reaches the driver.
    func submit(_ submission: CurlSubmission) {
        let rejection: HTTPClientError? = mailbox.withLock { mailbox in
            if Task.isCancelled { return .cancelled }
            guard mailbox.phase == .running else { return .unavailable("shutting down") }
            guard mailbox.acceptedCount < configuration.pendingRequestsMax else {
                return .unavailable("\(configuration.pendingRequestsMax) requests already pending")
            }
            mailbox.acceptedCount += 1
            mailbox.submissions.append(submission)
            wake(&mailbox)
            return nil
        }
        if let rejection {
            submission.continuation.resume(returning: .failure(rejection))
        }
    }

    /// Asks the driver to stop a request; the driver resumes it with `.cancelled` unless it has
    /// already finished. Called from cancellation handlers, on any thread.
    func cancel(requestID: UInt64) {
        mailbox.withLock { mailbox in
            guard mailbox.phase != .stopped else { return }
            mailbox.cancellations.append(requestID)
            wake(&mailbox)
        }
    }

    /// Stops accepting requests and fails queued ones with `.unavailable("shutting down")`. Requests
    /// already handed to curl run to completion, each within its deadline; the driver thread then
    /// frees the multi handle and exits. Idempotent; does not wait.
    func stop() {
        let abandoned: [CurlSubmission] = mailbox.withLock { mailbox in
            guard mailbox.phase == .running else { return [] }
            mailbox.phase = .stopping
            let queued = mailbox.submissions
            mailbox.submissions.removeAll()
            mailbox.acceptedCount -= queued.count
            wake(&mailbox)
            return queued
        }
        for submission in abandoned {
            submission.continuation.resume(returning: .failure(.unavailable("shutting down")))
        }
    }

    /// Returns once the driver thread has freed the multi handle and is about to exit.
    func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = mailbox.withLock { mailbox in
                guard mailbox.phase != .stopped else { return true }
                mailbox.stopWaiters.append(continuation)
                return false
            }
            if stopped { continuation.resume() }
        }
    }

    // MARK: Driver thread side

    /// Takes everything queued for the driver.
    func takeWork() -> CurlDriverWork {
        mailbox.withLock { mailbox in
            mailbox.wakeupPending = false
            let work = CurlDriverWork(
                submissions: mailbox.submissions,
                cancellations: mailbox.cancellations,
                stopping: mailbox.phase != .running
            )
            mailbox.submissions.removeAll(keepingCapacity: true)
            mailbox.cancellations.removeAll(keepingCapacity: true)
            return work
        }
    }

    /// Frees the slots of `finishedCount` accepted requests that the driver is about to resume.
    func release(finishedCount: Int) {
        mailbox.withLock { mailbox in
            precondition(finishedCount >= 1, "release only what finished")
            precondition(finishedCount <= mailbox.acceptedCount, "finished more requests than were accepted")
            mailbox.acceptedCount -= finishedCount
        }
    }

    /// Frees the multi handle, then releases everyone waiting in `waitUntilStopped`. The driver
    /// thread's last act; every transfer must already have been removed.
    func finishStopping() {
        mailbox.withLock { mailbox in
            precondition(mailbox.phase == .stopping, "the driver stops only when asked to")
            precondition(mailbox.submissions.isEmpty, "a request was accepted while stopping")
            mailbox.multiAwake = false
        }
        curl_multi_cleanup(multi.raw)
        let waiters = mailbox.withLock { mailbox in
            mailbox.phase = .stopped
            let waiters = mailbox.stopWaiters
            mailbox.stopWaiters.removeAll()
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Interrupts the driver's `curl_multi_poll`. Called with the lock held; see `CurlMultiPointer`.
    private func wake(_ mailbox: inout CurlDriverMailbox) {
        guard mailbox.multiAwake, !mailbox.wakeupPending else { return }
        mailbox.wakeupPending = true
        // Can only fail for a bad handle, which the lock and `multiAwake` rule out.
        _ = curl_multi_wakeup(multi.raw)
    }
}
