import Foundation

/// A job as stored, with the ledger transfers of its hold. A plain Codable struct: amounts are
/// integer micro-units of `currency` (the provider-side ones of their own currency), times are
/// `Date`s read from `timestamptz`.
public struct JobRecord: Sendable, Codable, Equatable {
    public var id: UUID
    public var userID: String
    public var idempotencyKey: String?
    /// `submit` or `record`.
    public var origin: String
    public var provider: String
    public var providerModel: String
    public var quality: String?
    public var family: String?
    public var providerJobID: String?
    public var mode: String
    /// The clip length sent to the provider.
    public var durationSeconds: Int
    public var resolution: String?
    public var aspectRatio: String?
    public var audio: Bool
    public var variants: Int
    public var prompt: String?
    public var imageURL: String?
    public var quoteID: UUID?
    public var priceBookVersion: String
    /// `YYYY-MM-DD`: the day whose prices apply.
    public var pricedOn: String?
    public var currency: String
    public var quotedMicros: Int64
    public var quotedBilledSeconds: Int?
    /// The provider's own price at submit time (live quotes on, provider with a quote endpoint).
    public var liveQuoteMicros: Int64?
    public var holdID: Int64?
    public var paymentSource: String?
    public var providerPrechargeMicros: Int64?
    public var providerPrechargeCurrency: String?
    public var providerCostMicros: Int64?
    public var providerCostCurrency: String?
    public var providerBalanceMicros: Int64?
    public var providerBalanceCurrency: String?
    public var billedSeconds: Int?
    /// The price-book rule applied to the billed seconds.
    public var computedMicros: Int64?
    /// What the user was charged.
    public var actualMicros: Int64?
    /// actual − quoted.
    public var quoteErrorMicros: Int64?
    public var status: JobStatus
    public var failureCode: String?
    public var failureReason: String?
    public var refunded: Bool
    public var resultURLs: [String]
    /// Venice private models: the one-time URL of the finished file, given only at submit.
    public var providerDownloadURL: String?
    public var createdAt: Date
    public var dispatchedAt: Date?
    public var submittedAt: Date?
    public var queuedAt: Date?
    public var runningAt: Date?
    public var unknownAt: Date?
    public var finishedAt: Date?
    public var updatedAt: Date
    public var nextPollAt: Date?
    public var pollAttempts: Int
    public var pollErrorsConsecutive: Int
    public var lastError: String?
    /// The ledger transfers of the job's hold, oldest first: the hold, then capture, release,
    /// excess.
    public var transfers: [JobTransfer]
}

/// One ledger transfer of a job's hold.
public struct JobTransfer: Sendable, Codable, Equatable {
    public var id: Int64
    /// `hold`, `capture`, `release` or `excess`.
    public var kind: String
    public var amountMicros: Int64
    public var currency: String
    /// `user:<id>:available` style names of the two accounts.
    public var from: String
    public var to: String
    /// The idempotency key of the ledger operation (`job:<id>:capture`).
    public var operationKey: String
    public var createdAt: Date
    /// The API token whose request made the transfer (submit: the hold; cancel: the release);
    /// nil for the service's own settlement.
    public var createdBy: String? = nil
}
