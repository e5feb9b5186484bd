/// The frame's aspect ratio as providers name it (`16:9`).
public enum AspectRatio: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    case square = "1:1"
    case r2x3 = "2:3"
    case r3x2 = "3:2"
    case r3x4 = "3:4"
    case r4x3 = "4:3"
    case r4x5 = "4:5"
    case r5x4 = "5:4"
    case r9x16 = "9:16"
    case r16x9 = "16:9"
    case r9x21 = "9:21"
    case r21x9 = "21:9"

    public static let acceptedForms = allCases.map(\.rawValue).joined(separator: ", ") + ", auto"

    /// The standard ratio of a frame size, or nil when it is not one (1792×1024 is 7:4).
    init?(width: Int, height: Int) {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let divisor = gcd(width, height)
        self.init(rawValue: "\(width / divisor):\(height / divisor)")
    }

    var bit: UInt16 {
        UInt16(1) << UInt16(AspectRatio.allCases.firstIndex(of: self)!)
    }

    public var description: String { rawValue }
}

/// A set of aspect ratios without allocation.
public struct AspectRatioSet: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public init(_ ratios: some Sequence<AspectRatio>) {
        self.init(rawValue: ratios.reduce(0) { $0 | $1.bit })
    }

    public func contains(_ ratio: AspectRatio) -> Bool { rawValue & ratio.bit != 0 }

    public var members: [AspectRatio] { AspectRatio.allCases.filter { contains($0) } }

    public var description: String { members.map(\.rawValue).joined(separator: ", ") }
}
