import Basics
import ProviderRegistry

/// A provider that cannot serve a quote request, and why.
public struct Rejection: Sendable, Hashable, CustomStringConvertible {
    public let provider: ProviderID
    /// The provider's model for the family; nil when it has none.
    public let providerModel: String?
    public let quality: String?
    public let family: String
    public let reason: RejectionReason

    public var description: String {
        guard let providerModel else { return "\(provider.rawValue): \(reason)" }
        let model = quality.map { "\(providerModel) (quality \($0))" } ?? providerModel
        return "\(provider.rawValue) \(model): \(reason)"
    }
}

/// Why a provider model cannot serve a request. Cases carry only plain values so the quote path
/// builds them without allocating.
public enum RejectionReason: Sendable, Hashable, CustomStringConvertible {
    /// The provider's book has no model of the family.
    case familyNotOffered
    case modeNotOffered(GenerationMode, offered: GenerationModeSet)
    case resolutionNotOffered(Resolution, offered: ResolutionSet)
    case durationTooLong(requestedSeconds: Int, longestSeconds: Int)
    /// Audio asked for, and the model is silent or its audio price is unknown.
    case audioNotOffered
    /// Audio asked for, and the provider's request cannot ask this model for it (it renders
    /// silence).
    case audioNotRequestable
    case aspectRatioNotOffered(AspectRatio, offered: AspectRatioSet)
    case tooManyVariants(requested: Int, max: Int)
    /// The model was retired on that day; quotes on or after it do not offer it.
    case retired(on: CalendarDay)
    /// The model's first price starts after the quote's day.
    case notYetPriced(from: CalendarDay)

    /// A short machine-readable code: `resolution_not_offered`.
    public var code: String {
        switch self {
        case .familyNotOffered: "family_not_offered"
        case .modeNotOffered: "mode_not_offered"
        case .resolutionNotOffered: "resolution_not_offered"
        case .durationTooLong: "duration_too_long"
        case .audioNotOffered: "audio_not_offered"
        case .audioNotRequestable: "audio_not_requestable"
        case .aspectRatioNotOffered: "aspect_ratio_not_offered"
        case .tooManyVariants: "too_many_variants"
        case .retired: "retired"
        case .notYetPriced: "not_yet_priced"
        }
    }

    public var description: String {
        switch self {
        case .familyNotOffered: "no model of this family in the provider's price book"
        case .modeNotOffered(let mode, let offered): "mode \(mode) not offered (offers \(offered))"
        case .resolutionNotOffered(let resolution, let offered):
            "resolution \(resolution) not offered (offers \(offered))"
        case .durationTooLong(let requested, let longest):
            "\(requested) s is longer than its longest clip, \(longest) s"
        case .audioNotOffered: "audio not offered or not priced (silent only)"
        case .audioNotRequestable: "audio cannot be asked for in this provider's request (it renders silence)"
        case .aspectRatioNotOffered(let ratio, let offered): "aspect ratio \(ratio) not offered (offers \(offered))"
        case .tooManyVariants(let requested, let max): "n = \(requested) is over its limit of \(max) per job"
        case .retired(let day): "retired on \(day)"
        case .notYetPriced(let day): "no price before \(day)"
        }
    }
}
