/// A `network:` section or a `FaultPlan` that cannot run; lists every problem found.
public struct FaultPlanError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case invalidSettings
        }

        private let kind: Kind

        /// One or more settings are unknown, malformed or out of range; `problems` names each key.
        public static let invalidSettings = Code(kind: .invalidSettings)

        /// The code's name; safe to log.
        public var description: String { kind.rawValue }
    }

    /// What was wrong.
    public let code: Code
    /// One line per problem, each naming the key, what was expected and the text found.
    public let problems: [String]
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: Int

    /// An error of `code` listing `problems`.
    public init(_ code: Code, problems: [String], file: String = #fileID, line: Int = #line) {
        self.code = code
        self.problems = problems
        self.file = file
        self.line = line
    }

    public var description: String {
        "FaultPlanError(\(code)): " + problems.joined(separator: "; ")
    }
}
