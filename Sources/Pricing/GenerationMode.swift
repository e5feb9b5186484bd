/// What a job makes a video from.
public enum GenerationMode: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Text to video.
    case t2v
    /// Image to video.
    case i2v
    /// Video to video (edit, extend).
    case v2v
    /// Upscaling an existing video.
    case upscale

    public static let acceptedForms = "t2v, i2v, v2v, upscale (or text-to-video, image-to-video, video-to-video)"

    /// Parses `t2v` or its long form `text-to-video`.
    public static func parse(_ text: String) -> GenerationMode? {
        switch text.lowercased() {
        case "t2v", "text-to-video": .t2v
        case "i2v", "image-to-video": .i2v
        case "v2v", "video-to-video": .v2v
        case "upscale": .upscale
        default: nil
        }
    }

    var bit: UInt8 {
        switch self {
        case .t2v: 1
        case .i2v: 2
        case .v2v: 4
        case .upscale: 8
        }
    }

    public var description: String { rawValue }
}

/// A set of modes without allocation.
public struct GenerationModeSet: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public init(_ modes: some Sequence<GenerationMode>) {
        self.init(rawValue: modes.reduce(0) { $0 | $1.bit })
    }

    public func contains(_ mode: GenerationMode) -> Bool { rawValue & mode.bit != 0 }

    public var description: String {
        GenerationMode.allCases.filter { contains($0) }.map(\.rawValue).joined(separator: ", ")
    }
}
