/// An output resolution class, named by the short side of the frame (720p is 1280×720 or
/// 720×1280). Price books key their rates by these names.
public enum Resolution: String, Sendable, Hashable, CaseIterable, Codable, Comparable, CustomStringConvertible {
    case p360 = "360p"
    case p480 = "480p"
    case p540 = "540p"
    case p580 = "580p"
    case p720 = "720p"
    case p768 = "768p"
    /// Sora's 1792×1024 / 1024×1792 sizes.
    case p1024 = "1024p"
    case p1080 = "1080p"
    case p1440 = "1440p"
    case k4 = "4k"

    /// Dense index for rate tables (`allCases` order).
    var index: Int {
        switch self {
        case .p360: 0
        case .p480: 1
        case .p540: 2
        case .p580: 3
        case .p720: 4
        case .p768: 5
        case .p1024: 6
        case .p1080: 7
        case .p1440: 8
        case .k4: 9
        }
    }

    static let count = 10

    /// The text forms accepted, for error messages.
    public static let acceptedForms =
        allCases.map(\.rawValue).joined(separator: ", ")
        + " (also 2160p, and WIDTHxHEIGHT such as 1280x720)"

    /// Parses a resolution name (`720p`, `4K`, `2160p`, `768P`) or a size (`1920x1080`).
    /// A size also tells the aspect ratio when it is a standard one.
    public static func parse(_ text: String) -> (resolution: Resolution, aspectRatio: AspectRatio?)? {
        let lowered = text.lowercased()
        if let named = Resolution(rawValue: lowered) { return (named, nil) }
        if lowered == "2160p" { return (.k4, nil) }
        let sides = lowered.split(separator: "x", omittingEmptySubsequences: false)
        guard sides.count == 2, let width = Int(sides[0]), let height = Int(sides[1]), width > 0, height > 0,
            let resolution = Resolution(shortSide: min(width, height))
        else { return nil }
        return (resolution, AspectRatio(width: width, height: height))
    }

    private init?(shortSide: Int) {
        switch shortSide {
        case 2160: self = .k4
        default:
            guard let named = Resolution(rawValue: "\(shortSide)p") else { return nil }
            self = named
        }
    }

    public static func < (left: Resolution, right: Resolution) -> Bool { left.index < right.index }

    public var description: String { rawValue }
}

/// A set of resolutions without allocation: what a model offers, carried in rejections.
public struct ResolutionSet: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public init(_ resolution: Resolution) { rawValue = 1 << UInt16(resolution.index) }

    public init(_ resolutions: some Sequence<Resolution>) {
        self = resolutions.reduce(into: ResolutionSet()) { $0.insert(ResolutionSet($1)) }
    }

    public func contains(_ resolution: Resolution) -> Bool { contains(ResolutionSet(resolution)) }

    public var members: [Resolution] { Resolution.allCases.filter { contains($0) } }

    public var description: String { members.map(\.rawValue).joined(separator: ", ") }
}
