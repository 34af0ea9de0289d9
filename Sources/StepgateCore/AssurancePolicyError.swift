/// Why an assurance policy was refused at startup; lists every problem at once.
public struct AssurancePolicyError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem; only one kind so far.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case invalidLevels
        }

        private let kind: Kind

        /// The levels are missing, duplicated, out of order or ill-formed.
        public static let invalidLevels = Code(kind: .invalidLevels)

        /// The code's name; safe to log.
        public var description: String { kind.rawValue }
    }

    /// What kind of problem.
    public let code: Code
    /// One line per problem, each naming the key, what was expected and what was found.
    public let problems: [String]
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: Int

    /// An error listing `problems`.
    public init(_ code: Code, problems: [String], file: String = #fileID, line: Int = #line) {
        self.code = code
        self.problems = problems
        self.file = file
        self.line = line
    }

    /// The problems, one per line.
    public var description: String {
        "invalid assurance policy:\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
    }
}
