/// How one simulated job behaves. Defaults come from the provider's control settings; a job's
/// prompt overrides them with `sim: complete_after_ms=2000 billed_seconds=6 final_cost=0.40
/// outcome=failed refund=true`. See README.md for every key.
struct Scenario: Sendable, Equatable {
    enum Outcome: String, Sendable {
        case completed
        case failed
        /// Rejected by moderation: Venice 422, NanoGPT `isNSFWError`, gateway `failed`.
        case contentPolicy = "content_policy"
        case cancelled
        case expired
    }

    /// A fault forced on the job's submit request.
    enum Fault: String, Sendable {
        case none
        case paymentRequired = "402"
        case rateLimited = "429"
        case unavailable = "5xx"
        case timeout
        case malformed
    }

    var completeAfterMilliseconds: Int64 = 2_000
    var outcome: Outcome = .completed
    /// Seconds the provider bills; nil bills the requested duration.
    var billedSeconds: Int?
    /// The final cost in micro-units; nil charges `billedSeconds × ratePerSecondMicros`.
    var finalCostMicros: Int64?
    /// The submit-time charge in micro-units; nil charges `requested seconds × rate`.
    var prechargeMicros: Int64?
    /// Whether a failed or rejected job gives its charge back.
    var refund = true
    var ratePerSecondMicros: Int64 = 100_000
    /// NanoGPT status shape: nested `data{…}` (default) or flat.
    var nanoGPTFlatShape = false
    /// NanoGPT content URLs as `/api/generate-video/content?…` paths instead of absolute URLs.
    var relativeURLs = false
    /// The gateway's timestamps in milliseconds (new-api) or seconds (OpenAI).
    var timestampsInMilliseconds = true
    /// NanoGPT `paymentSource`: `USD` or `XNO`.
    var paymentSource = "USD"
    /// Size of the MP4 body Venice returns from retrieve when done.
    var videoBytes = 2_048
    /// Venice 422 body: nested `{error:{…, credits_refunded}}` or flat `{error, credits_refunded}`.
    var flatErrorBody = false
    var fault: Fault = .none

    static let videoBytesMax = 64 * 1024 * 1024
    static let completeAfterMillisecondsMax: Int64 = 3_600_000

    /// Applies `key=value` pairs; unknown keys and unreadable values are ignored and returned.
    mutating func apply(_ pairs: [(key: String, value: String)]) -> [String] {
        var ignored: [String] = []
        for (key, value) in pairs where !apply(key: key, value: value) {
            ignored.append(key)
        }
        return ignored
    }

    private mutating func apply(key: String, value: String) -> Bool {
        switch key {
        case "complete_after_ms":
            guard let milliseconds = Int64(value), (0...Scenario.completeAfterMillisecondsMax).contains(milliseconds)
            else { return false }
            completeAfterMilliseconds = milliseconds
        case "outcome":
            guard let parsed = Outcome(rawValue: value) else { return false }
            outcome = parsed
        case "billed_seconds":
            guard let seconds = Int(value), seconds >= 0 else { return false }
            billedSeconds = seconds
        case "final_cost":
            guard let micros = SimMoney.micros(value), micros >= 0 else { return false }
            finalCostMicros = micros
        case "precharge":
            guard let micros = SimMoney.micros(value), micros >= 0 else { return false }
            prechargeMicros = micros
        case "refund":
            guard let flag = Bool(value) else { return false }
            refund = flag
        case "rate_per_second":
            guard let micros = SimMoney.micros(value), micros >= 0 else { return false }
            ratePerSecondMicros = micros
        case "shape":
            guard value == "flat" || value == "nested" else { return false }
            nanoGPTFlatShape = value == "flat"
        case "url_style":
            guard value == "relative" || value == "absolute" else { return false }
            relativeURLs = value == "relative"
        case "timestamps":
            guard value == "ms" || value == "s" else { return false }
            timestampsInMilliseconds = value == "ms"
        case "payment_source":
            guard value.uppercased() == "USD" || value.uppercased() == "XNO" else { return false }
            paymentSource = value.uppercased()
        case "video_bytes":
            guard let bytes = Int(value), (1...Scenario.videoBytesMax).contains(bytes) else { return false }
            videoBytes = bytes
        case "error_shape":
            guard value == "flat" || value == "nested" else { return false }
            flatErrorBody = value == "flat"
        case "fault":
            guard let parsed = Fault(rawValue: value) else { return false }
            fault = parsed
        default:
            return false
        }
        return true
    }
}
