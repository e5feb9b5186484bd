import Basics
import ProviderRegistry

/// A quote request that cannot be priced as sent. Each case names the field at fault and what it
/// accepts, so the message can go back to the caller as is (REST 400, CLI exit 64).
public enum QuoteInputError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingFamilyOrModel
    case unknownFamily(String, accepted: [String])
    case unknownModel(String, provider: ProviderID?)
    case unknownProvider(String)
    /// The model exists in several tiers; `quality` must pick one.
    case ambiguousModel(String, qualities: [String])
    case unknownQuality(String, model: String, accepted: [String])
    case durationNotANumber(String)
    case durationNotPositive(Int)
    case durationTooLong(Int)
    case missingResolution
    case unknownResolution(String)
    case unknownAspectRatio(String)
    case unknownMode(String)
    case variantsOutOfRange(Int)
    case badDate(String)
    /// Two fields disagree (a family and a model of another family; a `1280x720` size with a
    /// `9:16` aspect ratio).
    case contradictory(field: String, detail: String)

    /// The request field at fault.
    public var field: String {
        switch self {
        case .missingFamilyOrModel, .unknownFamily: "family"
        case .unknownModel: "model"
        case .unknownProvider: "provider"
        case .ambiguousModel, .unknownQuality: "quality"
        case .durationNotANumber, .durationNotPositive, .durationTooLong: "duration"
        case .missingResolution, .unknownResolution: "resolution"
        case .unknownAspectRatio: "aspect_ratio"
        case .unknownMode: "mode"
        case .variantsOutOfRange: "n"
        case .badDate: "priced_on"
        case .contradictory(let field, _): field
        }
    }

    /// What the field accepts.
    public var accepted: String {
        switch self {
        case .missingFamilyOrModel, .contradictory: "a family, or a provider model of that family"
        case .unknownFamily(_, let accepted): accepted.joined(separator: ", ")
        case .unknownModel: "a model slug listed in a provider price book (see `videoledger pricing check`)"
        case .unknownProvider: ProviderID.allCases.map(\.rawValue).joined(separator: ", ")
        case .ambiguousModel(_, let qualities), .unknownQuality(_, _, let qualities): qualities.joined(separator: ", ")
        case .durationNotANumber, .durationNotPositive, .durationTooLong:
            "whole seconds 1...\(PricingLimits.durationSecondsMax) as 5, \"5\" or \"5s\", or \"auto\""
        case .missingResolution, .unknownResolution: Resolution.acceptedForms
        case .unknownAspectRatio: AspectRatio.acceptedForms
        case .unknownMode: GenerationMode.acceptedForms
        case .variantsOutOfRange: "1...\(PricingLimits.variantsMax)"
        case .badDate: "a date YYYY-MM-DD"
        }
    }

    public var description: String {
        let problem: String
        switch self {
        case .missingFamilyOrModel: problem = "give a family or a model"
        case .unknownFamily(let family, _): problem = "unknown family '\(Self.echo(family))'"
        case .unknownModel(let model, let provider?):
            problem = "\(provider.rawValue) has no model '\(Self.echo(model))'"
        case .unknownModel(let model, nil): problem = "no provider has a model '\(Self.echo(model))'"
        case .unknownProvider(let provider): problem = "unknown provider '\(Self.echo(provider))'"
        case .ambiguousModel(let model, _): problem = "model '\(Self.echo(model))' comes in several qualities; give one"
        case .unknownQuality(let quality, let model, _):
            problem = "model '\(Self.echo(model))' has no quality '\(Self.echo(quality))'"
        case .durationNotANumber(let text): problem = "'\(Self.echo(text))' is not a whole number of seconds"
        case .durationNotPositive(let seconds): problem = "\(seconds) s is not a positive duration"
        case .durationTooLong(let seconds):
            problem = "\(seconds) s is over the \(PricingLimits.durationSecondsMax) s limit"
        case .missingResolution: problem = "a resolution is required"
        case .unknownResolution(let text): problem = "unknown resolution '\(Self.echo(text))'"
        case .unknownAspectRatio(let text): problem = "unknown aspect ratio '\(Self.echo(text))'"
        case .unknownMode(let text): problem = "unknown mode '\(Self.echo(text))'"
        case .variantsOutOfRange(let count): problem = "\(count) variants is out of range"
        case .badDate(let text): problem = "'\(Self.echo(text))' is not a valid date"
        case .contradictory(_, let detail): problem = detail
        }
        return "\(field): \(problem); accepted: \(accepted)"
    }

    /// Caller input quoted in a message: at most 32 characters, control characters as `?`.
    static func echo(_ text: String) -> String { Echo.short(text) }
}
