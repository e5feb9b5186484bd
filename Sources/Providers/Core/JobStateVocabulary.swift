/// Every status word the five providers (and the `/v1/videos` gateways) document, mapped to
/// `ProviderJobState`: OpenAI `queued|in_progress|completed|failed`, OpenRouter `pending|cancelled|
/// expired`, NanoGPT `IN_QUEUE|IN_PROGRESS|COMPLETED|FAILED|CANCELED` and `processing|generating|
/// delivering`, Venice `PROCESSING|COMPLETED`. Matching is case-insensitive: NanoGPT sends both `COMPLETED` and
/// `completed`. An unknown word is not guessed: the caller reports a malformed response, so a
/// job is never settled on a status nobody understood.
enum JobStateVocabulary {
    static func state(_ word: String) -> ProviderJobState? {
        switch word.lowercased() {
        case "queued", "pending", "in_queue": return .queued
        case "in_progress", "processing", "generating", "delivering": return .running
        case "completed": return .completed
        case "failed": return .failed
        case "cancelled", "canceled": return .cancelled
        case "expired": return .expired
        default: return nil
        }
    }
}
