import Foundation
import Money
import Postgres
import Reconciliation

/// A reconciliation run and its findings. Amounts are decimal strings.
struct ReconciliationView: Encodable {
    struct Finding: Encodable {
        let kind: String
        let severity: String
        let provider: String?
        let jobId: String?
        let currency: String?
        let expected: String?
        let observed: String?
        let difference: String?
        let detail: String
    }

    let id: String
    let status: String
    let from: String
    let to: String
    let startedAt: String
    let finishedAt: String?
    let trigger: String
    /// The API token that asked for the run; null for the schedule and the CLI.
    let createdBy: String?
    let findings: [Finding]

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(status, forKey: .status)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
        try c.encode(trigger, forKey: .trigger)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(findings, forKey: .findings)
    }

    enum CodingKeys: String, CodingKey {
        case id, status, from, to, startedAt, finishedAt, trigger, createdBy, findings
    }

    init(_ report: ReconciliationReport) {
        func money(_ micros: Int64?) -> String? { micros.map(DecimalAmount.string(fromMicros:)) }
        id = report.id.uuidString.lowercased()
        status = report.finishedAt == nil ? "running" : "completed"
        from = PostgresTimestamp(report.periodFrom).postgresText
        to = PostgresTimestamp(report.periodTo).postgresText
        startedAt = PostgresTimestamp(report.startedAt).postgresText
        finishedAt = report.finishedAt.map { PostgresTimestamp($0).postgresText }
        trigger = report.trigger
        createdBy = report.createdBy
        findings = report.findings.map {
            Finding(
                kind: $0.kind, severity: $0.severity, provider: $0.provider, jobId: $0.jobID?.uuidString.lowercased(),
                currency: $0.currency, expected: money($0.expectedMicros), observed: money($0.observedMicros),
                difference: money($0.differenceMicros), detail: $0.detail)
        }
    }
}
