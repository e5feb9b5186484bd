/// A credential value. Printing, interpolating, dumping or debug-printing it shows `<redacted>`;
/// only `revealedForHeader` hands out the text, and only request builders call it.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret text, for putting into an HTTP header and nowhere else.
    public var revealedForHeader: String { value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: ["value": "<redacted>"]) }
}
