/// Every status word the five providers (and the gateways in reference §2.2) use, mapped to
/// `ProviderJobState`. Matching is case-insensitive: NanoGPT sends both `COMPLETED` and
/// `completed`. An unknown word is not guessed: the caller reports a malformed response, so a
/// job is never settled on a status nobody understood.
enum JobStateVocabulary {
    static func state(_ word: String) -> ProviderJobState? {
        switch word.lowercased() {
        case "queued", "pending", "in_queue", "submitted", "waiting", "created": return .queued
        case "in_progress", "processing", "running", "generating", "delivering", "started": return .running
        case "completed", "succeeded", "success", "complete", "done": return .completed
        case "failed", "failure", "error": return .failed
        case "cancelled", "canceled": return .cancelled
        case "expired": return .expired
        default: return nil
        }
    }
}
