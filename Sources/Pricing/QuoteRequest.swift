import Basics
import Foundation
import ProviderRegistry

/// A normalized quote request: every field checked and typed, the candidate provider models
/// resolved against one catalog. Made by `PriceCatalog.request(for:)`.
public struct QuoteRequest: Sendable, Hashable {
    /// The canonical family asked for (given, or the family of the exact model asked for).
    public let family: String
    /// The exact provider model slug, when one was asked for.
    public let model: String?
    public let quality: String?
    /// Only this provider, when one was asked for.
    public let provider: ProviderID?
    public let duration: RequestedDuration
    public let resolution: Resolution
    /// Nil when any aspect ratio will do.
    public let aspectRatio: AspectRatio?
    public let audio: Bool
    /// `n`.
    public let variants: Int
    public let mode: GenerationMode
    /// The day whose prices apply.
    public let pricedOn: CalendarDay

    /// Indices into the catalog's models to evaluate.
    let candidates: [Int]
    /// `PriceCatalog.layoutKey` of the catalog that resolved `candidates`.
    let layoutKey: UInt64
}

/// The clip length asked for.
public enum RequestedDuration: Sendable, Hashable, CustomStringConvertible {
    case seconds(Int)
    /// The provider's default length.
    case auto

    /// Parses `5`, `"5"`, `"5s"` or `"auto"` within 1...`PricingLimits.durationSecondsMax`.
    public static func parse(_ input: DurationInput) throws(QuoteInputError) -> RequestedDuration {
        let seconds: Int
        switch input {
        case .seconds(let value):
            seconds = value
        case .text(let raw):
            var text = Substring(raw.trimmingCharacters(in: .whitespaces).lowercased())
            if text == "auto" { return .auto }
            if text.hasSuffix("s") { text = text.dropLast() }
            let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : text
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw .durationNotANumber(raw)
            }
            guard let value = Int(text) else { throw .durationTooLong(Int.max) }
            seconds = value
        }
        guard seconds > 0 else { throw .durationNotPositive(seconds) }
        guard seconds <= PricingLimits.durationSecondsMax else { throw .durationTooLong(seconds) }
        return .seconds(seconds)
    }

    public var description: String {
        switch self {
        case .seconds(let seconds): "\(seconds)s"
        case .auto: "auto"
        }
    }
}
