/// Chances, per request, that the simulated provider misbehaves instead of answering. Set with
/// `POST /_sim/scenario` (`rate_429=0.1 retry_after_seconds=3`). Rates are fractions of one,
/// kept as parts per million so no floating point decides anything.
struct FaultRates: Sendable, Equatable {
    var paymentRequiredPerMillion: Int64 = 0
    var rateLimitedPerMillion: Int64 = 0
    var unavailablePerMillion: Int64 = 0
    var timeoutPerMillion: Int64 = 0
    var malformedPerMillion: Int64 = 0
    var retryAfterSeconds = 2
    /// How long a "timeout" holds its answer: beyond the client's deadline.
    var timeoutDelayMilliseconds = 35_000

    static let timeoutDelayMillisecondsMax = 600_000

    /// Applies a key it knows and says whether it did.
    mutating func apply(key: String, value: String) -> Bool {
        switch key {
        case "rate_402": return setRate(&paymentRequiredPerMillion, value)
        case "rate_429": return setRate(&rateLimitedPerMillion, value)
        case "rate_5xx": return setRate(&unavailablePerMillion, value)
        case "rate_timeout": return setRate(&timeoutPerMillion, value)
        case "rate_malformed": return setRate(&malformedPerMillion, value)
        case "retry_after_seconds":
            guard let seconds = Int(value), (0...86_400).contains(seconds) else { return false }
            retryAfterSeconds = seconds
        case "timeout_delay_ms":
            guard let milliseconds = Int(value), (0...FaultRates.timeoutDelayMillisecondsMax).contains(milliseconds)
            else { return false }
            timeoutDelayMilliseconds = milliseconds
        default:
            return false
        }
        return true
    }

    /// A fraction of one (`0.25`) as parts per million; DecimalAmount's micro-units are exactly that.
    private func setRate(_ rate: inout Int64, _ value: String) -> Bool {
        guard let perMillion = SimMoney.micros(value), (0...1_000_000).contains(perMillion) else { return false }
        rate = perMillion
        return true
    }

    /// The fault a draw in `0..<1_000_000` lands on, in the order 402, 429, 5xx, timeout, malformed.
    func fault(forDraw draw: Int64) -> Scenario.Fault {
        var threshold: Int64 = 0
        let ordered: [(Int64, Scenario.Fault)] = [
            (paymentRequiredPerMillion, .paymentRequired), (rateLimitedPerMillion, .rateLimited),
            (unavailablePerMillion, .unavailable), (timeoutPerMillion, .timeout), (malformedPerMillion, .malformed),
        ]
        for (rate, fault) in ordered {
            threshold += rate
            if draw < threshold { return fault }
        }
        return .none
    }
}
