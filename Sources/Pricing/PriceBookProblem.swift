/// One thing wrong in a price book, located as `file:line`.
public struct PriceBookProblem: Sendable, Hashable, CustomStringConvertible {
    /// The book's file name, e.g. `venice.yaml`.
    public let file: String
    /// 1-based line; 0 when the problem concerns the whole file or directory.
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `venice.yaml:42: price must be greater than zero, got "-0.1"`.
    public var description: String { "\(file):\(line): \(message)" }

    /// The same as a warning, as `pricing check` prints one:
    /// `venice.yaml:237: warning: model 'kling-2.6-pro-text-to-video' … uncertain price …`.
    public var warningDescription: String { "\(file):\(line): warning: \(message)" }
}

/// Loading the price books failed; every problem found is listed, not just the first.
public struct PriceCatalogLoadError: Error, Sendable, CustomStringConvertible {
    public let problems: [PriceBookProblem]

    public init(problems: [PriceBookProblem]) {
        precondition(!problems.isEmpty, "a load error carries at least one problem")
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Collects problems while a book is read, so one run reports them all, and warnings: what a
/// valid book says that a reader should see (conflicting sources, announced retirements,
/// prices that cannot be requested).
final class ProblemLog {
    private(set) var problems: [PriceBookProblem] = []
    private(set) var warnings: [PriceBookProblem] = []

    func add(_ file: String, _ line: Int, _ message: String) {
        problems.append(PriceBookProblem(file: file, line: line, message: message))
    }

    func warn(_ file: String, _ line: Int, _ message: String) {
        warnings.append(PriceBookProblem(file: file, line: line, message: message))
    }

    var isEmpty: Bool { problems.isEmpty }
}
