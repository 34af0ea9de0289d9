/// A `load:` section or a `LoadPlan` that cannot run, or a load run that could not start.
public struct LoadError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case invalidSettings
            case invalidPlan
            case threadFailed
        }

        private let kind: Kind

        /// Settings are unknown, malformed or out of range; `problems` names each key.
        public static let invalidSettings = Code(kind: .invalidSettings)
        /// The plan has values out of range; `problems` lists `LoadPlan.problems`.
        public static let invalidPlan = Code(kind: .invalidPlan)
        /// The system refused to start a virtual user's thread; users already started were stopped.
        public static let threadFailed = Code(kind: .threadFailed)

        /// The code's name; safe to log.
        public var description: String { kind.rawValue }
    }

    /// What was wrong.
    public let code: Code
    /// One line per problem; each names the key or field, what was expected and what was found.
    public let problems: [String]
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: Int

    /// An error of `code` listing `problems`.
    public init(_ code: Code, problems: [String] = [], file: String = #fileID, line: Int = #line) {
        self.code = code
        self.problems = problems
        self.file = file
        self.line = line
    }

    public var description: String {
        problems.isEmpty ? "LoadError(\(code))" : "LoadError(\(code)): " + problems.joined(separator: "; ")
    }
}
