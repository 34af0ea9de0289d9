/// A target description that cannot be used: every problem found, each naming the key, its
/// line and what was expected. Never holds a secret's value.
public struct TargetFileError: Error, Sendable, CustomStringConvertible {
    /// One line per problem, such as `user.password_env (line 7): PROBE_PASSWORD is not set`.
    public let problems: [String]

    public init(problems: [String]) {
        self.problems = problems
    }

    public var description: String { problems.joined(separator: "\n") }
}
