/// One simulated provider API: a function from request to response over its `SimulationState`,
/// plus the provider's own error and 402 bodies, which the shared fault handling uses.
protocol ProviderSimulation: Sendable {
    var state: SimulationState { get }
    func respond(to request: SimRequest) async -> SimResponse
    /// The provider's error body shape.
    func errorResponse(status: Int, code: String, message: String) -> SimResponse
    /// What the provider answers when the balance can't cover a job.
    func paymentRequiredResponse(neededMicros: Int64, availableMicros: Int64, request: SimRequest) -> SimResponse
}

extension ProviderSimulation {
    /// The answer for a fault that replaces the real one (402, 429 with `Retry-After`, 503); nil
    /// for faults that alter the real answer (timeout, malformed) or for none.
    func replacement(for fault: Scenario.Fault, request: SimRequest) -> SimResponse? {
        switch fault {
        case .paymentRequired:
            return paymentRequiredResponse(neededMicros: 0, availableMicros: 0, request: request)
        case .rateLimited:
            var response = errorResponse(status: 429, code: "rate_limited", message: "Too many requests (simulated)")
            response.headers.append(("Retry-After", String(state.faults.retryAfterSeconds)))
            return response
        case .unavailable:
            return errorResponse(status: 503, code: "unavailable", message: "The model is at capacity (simulated)")
        case .none, .timeout, .malformed:
            return nil
        }
    }

    /// Applies a fault to a real answer: a timeout holds it past the client's deadline, a
    /// malformed fault garbles it. The work behind the answer has already happened, as with a
    /// provider that accepted a job whose answer never arrived.
    func altering(_ response: SimResponse, by fault: Scenario.Fault) -> SimResponse {
        switch fault {
        case .timeout:
            var delayed = response
            delayed.delayMilliseconds = max(delayed.delayMilliseconds, state.faults.timeoutDelayMilliseconds)
            return delayed
        case .malformed:
            return .malformed
        case .none, .paymentRequired, .rateLimited, .unavailable:
            return response
        }
    }

    /// Handles a submit: forced faults from the scenario first, then the provider's 402 when the
    /// balance is short, then `accept` with the created job.
    func submitting(
        _ request: SimRequest, scenario: Scenario, create: () throws(SimulationState.SubmitRefusal) -> SimJob,
        accept: (SimJob) -> SimResponse
    ) -> SimResponse {
        if let replaced = replacement(for: scenario.fault, request: request) { return replaced }
        do {
            return altering(accept(try create()), by: scenario.fault)
        } catch .insufficientBalance(let needed, let available) {
            return paymentRequiredResponse(neededMicros: needed, availableMicros: available, request: request)
        } catch {
            return errorResponse(
                status: 503, code: "simulator_full", message: "The simulator keeps at most \(state.jobsMax) jobs")
        }
    }

    func notFound(_ what: String) -> SimResponse {
        errorResponse(status: 404, code: "not_found", message: "\(what) not found")
    }
}

/// Parses `"5s"`, `"5"` or `5` into whole seconds.
func durationSeconds(_ text: String?) -> Int? {
    guard var text else { return nil }
    if text.hasSuffix("s") { text.removeLast() }
    guard let seconds = Int(text), seconds > 0, seconds <= 3_600 else { return nil }
    return seconds
}

/// Bytes standing in for an MP4: an `ftyp` box header, then filler.
func fakeMP4(bytes count: Int) -> [UInt8] {
    let header: [UInt8] = [0, 0, 0, 0x18] + Array("ftypmp42".utf8)
    return Array((header + [UInt8](repeating: 0x2E, count: max(0, count - header.count))).prefix(count))
}
