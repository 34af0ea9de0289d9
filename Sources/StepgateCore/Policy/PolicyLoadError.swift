/// Every problem found while loading a policy file; each names its line and what was expected.
public struct PolicyLoadError: Error, Sendable, CustomStringConvertible {
    /// `line N: what was wrong; expected ...`, in line order.
    public let problems: [String]

    public init(problems: [String]) {
        self.problems = problems
    }

    /// The problems, one per line.
    public var description: String { problems.joined(separator: "\n") }
}
