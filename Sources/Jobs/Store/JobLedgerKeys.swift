import Foundation

/// Ledger idempotency keys derived from the job id: each ledger operation of a job happens at
/// most once, whoever runs it and however often.
enum JobLedgerKeys {
    static func holdKey(_ id: UUID) -> String { "job:\(id.uuidString.lowercased()):hold" }
    static func captureKey(_ id: UUID) -> String { "job:\(id.uuidString.lowercased()):capture" }
    static func releaseKey(_ id: UUID) -> String { "job:\(id.uuidString.lowercased()):release" }
}
