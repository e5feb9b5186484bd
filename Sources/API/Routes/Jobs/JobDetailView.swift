import Foundation
import Jobs
import Money
import Postgres

/// A job with the ledger transfers of its hold (`GET /v1/jobs/{id}`): the list's `JobView`
/// keys plus `transfers`.
struct JobDetailView: Encodable {
    struct TransferView: Encodable {
        let id: Int64
        let kind: String
        let amount: String
        let currency: String
        let from: String
        let to: String
        let createdAt: String
        /// The API token whose request made the transfer; null for the service's own settlement.
        let createdBy: String?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(kind, forKey: .kind)
            try c.encode(amount, forKey: .amount)
            try c.encode(currency, forKey: .currency)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
            try c.encode(createdAt, forKey: .createdAt)
            try c.encode(createdBy, forKey: .createdBy)
        }

        enum CodingKeys: String, CodingKey { case id, kind, amount, currency, from, to, createdAt, createdBy }
    }

    /// How a held job was resolved without the provider's word: by balance evidence, by an
    /// operator (who and why), or by the long bound.
    struct ResolutionView: Encodable {
        let method: String
        let outcome: String
        let cost: String?
        let resolvedBy: String
        let reason: String
        let resolvedAt: String

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(method, forKey: .method)
            try c.encode(outcome, forKey: .outcome)
            try c.encode(cost, forKey: .cost)
            try c.encode(resolvedBy, forKey: .resolvedBy)
            try c.encode(reason, forKey: .reason)
            try c.encode(resolvedAt, forKey: .resolvedAt)
        }

        enum CodingKeys: String, CodingKey { case method, outcome, cost, resolvedBy, reason, resolvedAt }
    }

    let job: JobView
    let transfers: [TransferView]
    let heldResolution: ResolutionView?

    init(_ record: JobRecord) {
        self.job = JobView(record)
        self.heldResolution = record.heldResolution.map {
            ResolutionView(
                method: $0.method, outcome: $0.outcome, cost: $0.costMicros.map(DecimalAmount.string(fromMicros:)),
                resolvedBy: $0.resolvedBy, reason: $0.reason, resolvedAt: PostgresTimestamp($0.resolvedAt).postgresText)
        }
        self.transfers = record.transfers.map {
            TransferView(
                id: $0.id, kind: $0.kind, amount: DecimalAmount.string(fromMicros: $0.amountMicros),
                currency: $0.currency,
                from: $0.from, to: $0.to, createdAt: PostgresTimestamp($0.createdAt).postgresText,
                createdBy: $0.createdBy)
        }
    }

    private enum Keys: String, CodingKey {
        case transfers
        case heldResolution = "held_resolution"
    }

    func encode(to encoder: any Encoder) throws {
        try job.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(transfers, forKey: .transfers)
        try container.encode(heldResolution, forKey: .heldResolution)
    }
}
