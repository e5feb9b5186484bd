import HTTPClient
import Synchronization

/// An `HTTPExecuting` that answers from a script and records what it was asked: for testing an
/// adapter's thin executor (which requests, in which order) without a network.
final class ScriptedHTTPClient: HTTPExecuting {
    private let state: Mutex<(answers: [Result<HTTPResponse, HTTPClientError>], requests: [HTTPRequest])>

    init(_ answers: [Result<HTTPResponse, HTTPClientError>]) {
        state = Mutex((answers, []))
    }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }

    func execute(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse {
        let answer: Result<HTTPResponse, HTTPClientError> = state.withLock { state in
            state.requests.append(request)
            return state.answers.isEmpty ? .failure(.connectionFailed("script exhausted")) : state.answers.removeFirst()
        }
        return try answer.get()
    }
}
