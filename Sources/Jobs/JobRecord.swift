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
    /// When the job last stalled: cleared when its provider answers again, kept once it ends.
    public var stalledAt: Date?
    /// Why the job is held as `stalled`: `provider_silent`, `max_age`, `implausible_cost`, ...
    public var stallReason: String?
    public var finishedAt: Date?
    public var updatedAt: Date
    public var nextPollAt: Date?
    public var pollAttempts: Int
    public var pollErrorsConsecutive: Int
    /// When the current run of failed polls began: a job stalls on how long its provider has
    /// been silent, not on a count of tries.
    public var pollErrorsSince: Date?
    public var lastError: String?
    /// What available plus the credit limit could not cover when the job was captured above its
    /// hold: recorded and flagged, never dropped (nil unless captured).
    public var shortfallMicros: Int64?
    /// The API token that submitted or recorded the job; nil when written otherwise.
    public var createdBy: String?
    /// The API token that cancelled the job; nil unless cancelled over the API.
    public var cancelledBy: String?
    /// How a held job was resolved when the provider's own answer did not settle it.
    public var heldResolution: JobResolution?
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

/// A resolution that did not come from the provider's own answer: balance evidence, an
/// operator, or the long bound on held money.
public struct JobResolution: Sendable, Codable, Equatable {
    /// `evidence`, `operator` or `bound`.
    public var method: String
    /// `completed`, `failed` or `expired`.
    public var outcome: String
    public var costMicros: Int64?
    public var currency: String?
    /// The operator's or token's name; `reconciliation` for evidence and the bound.
    public var resolvedBy: String
    public var reason: String
    /// What the evidence was, as JSON text (balance snapshots and the charges they explain).
    public var evidence: String?
    public var resolvedAt: Date
}
