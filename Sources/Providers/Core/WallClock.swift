import Foundation

/// The time used to sign wallet messages. Injected so request builders stay testable with a
/// fixed instant.
public struct WallClock: Sendable {
    public let nowUnixMilliseconds: @Sendable () -> Int64

    public init(nowUnixMilliseconds: @escaping @Sendable () -> Int64) {
        self.nowUnixMilliseconds = nowUnixMilliseconds
    }

    public static let system = WallClock { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
