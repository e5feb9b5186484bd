import Pricing

/// What a caller asks for: a video, in the normalized spec the quote engine reads.
public struct JobSpec: Sendable, Hashable {
    /// A canonical family (`veo-3.1-fast`). Give this, `model`, or both (they must agree).
    public var family: String?
    /// An exact provider model slug.
    public var model: String?
    /// A provider tier of the model (AIGate `quality`).
    public var quality: String?
    /// `5`, `"5s"` or `"auto"`.
    public var duration: DurationInput
    public var resolution: String?
    public var aspectRatio: String?
    public var audio: Bool
    /// `n`.
    public var variants: Int
    /// `t2v` (default), `i2v`, `v2v`, `upscale`.
    public var mode: String?
    public var prompt: String
    /// Source image for image-to-video.
    public var imageURL: String?

    public init(
        family: String? = nil, model: String? = nil, quality: String? = nil, duration: DurationInput = .auto,
        resolution: String? = nil, aspectRatio: String? = nil, audio: Bool = false, variants: Int = 1,
        mode: String? = nil, prompt: String = "", imageURL: String? = nil
    ) {
        self.family = family
        self.model = model
        self.quality = quality
        self.duration = duration
        self.resolution = resolution
        self.aspectRatio = aspectRatio
        self.audio = audio
        self.variants = variants
        self.mode = mode
        self.prompt = prompt
        self.imageURL = imageURL
    }
}

/// A submit (`providerJobID == nil`: VideoLedger calls the provider) or a record (the caller
/// already submitted the job and gives its provider job id; VideoLedger holds, polls, settles).
public struct JobRequest: Sendable, Hashable {
    public var userID: String
    /// Makes the request safe to retry: the same key with the same body returns the first result;
    /// with another body it is refused (`JobError.idempotencyConflict`). Scoped to the user.
    public var idempotencyKey: String?
    public var spec: JobSpec
    /// `"cheapest"` or a provider id (`venice`). A record must name its provider.
    public var provider: String
    public var providerJobID: String?
    /// Who asks (an API token's name): recorded as the job's `created_by` and on its hold's
    /// transfer. Not part of the request's identity: a replay by another token is the same job.
    public var actor: String?
    /// How `cheapest` picks: by catalog price (the default) or by expected cost per successful clip.
    public var rank: QuoteRank = .price
    /// Limits a provider must meet for `cheapest` to pick it, judged on its scorecard.
    public var constraints: QuoteConstraints = .none

    public static let cheapest = "cheapest"

    public init(
        userID: String, idempotencyKey: String? = nil, spec: JobSpec, provider: String = JobRequest.cheapest,
        providerJobID: String? = nil, actor: String? = nil
    ) {
        self.userID = userID
        self.idempotencyKey = idempotencyKey
        self.spec = spec
        self.provider = provider
        self.providerJobID = providerJobID
        self.actor = actor
    }

    public var isRecord: Bool { providerJobID != nil }

    /// The request as canonical text: what the idempotency fingerprint (SHA-256, computed in SQL)
    /// is taken over. Every field, in a fixed order, each length-prefixed so no two requests
    /// share a text; the key and the actor are left out.
    public var canonicalText: String {
        let duration: String
        switch spec.duration {
        case .seconds(let seconds): duration = "s\(seconds)"
        case .text(let text): duration = "t" + text
        }
        let fields: [String?] = [
            "v1", userID, provider.lowercased(), providerJobID, spec.family, spec.model, spec.quality, duration,
            spec.resolution, spec.aspectRatio, spec.audio ? "audio" : "silent", String(spec.variants), spec.mode,
            spec.prompt, spec.imageURL,
        ]
        // The ranking joins the identity only when asked for, so earlier requests keep their text.
        let ranking: [String?] =
            rank == .price && constraints == .none
            ? []
            : [
                "rank", rank.rawValue, constraints.maxP95Seconds.map(String.init),
                constraints.minSuccessPPB.map(String.init),
            ]
        return (fields + ranking).map { field in field.map { "\($0.utf8.count):\($0)" } ?? "-" }.joined(separator: "|")
    }
}

/// What `JobService.submit` returns: the job, and whether this was a replay of an earlier
/// request with the same idempotency key (or the same provider job id, for a record).
public struct JobOutcome: Sendable {
    public let job: JobRecord
    public let replayed: Bool

    public init(job: JobRecord, replayed: Bool) {
        self.job = job
        self.replayed = replayed
    }
}
