/// Why a risk configuration was refused at startup; lists every problem at once.
public struct RiskConfigurationError: Error, Sendable, CustomStringConvertible {
    /// One line per problem, each naming the key, what was expected and what was found.
    public let problems: [String]
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: Int

    /// An error listing `problems`.
    public init(problems: [String], file: String = #fileID, line: Int = #line) {
        self.problems = problems
        self.file = file
        self.line = line
    }

    /// The problems, one per line.
    public var description: String {
        "invalid risk configuration:\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
    }
}
