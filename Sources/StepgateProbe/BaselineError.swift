/// A baseline report (`--baseline FILE`) that cannot be used: the run stops before any case
/// runs or any report is written. `description` is one line naming the file and what is wrong;
/// it never quotes the file's content.
public struct BaselineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case unreadable
            case tooLarge
            case notAReport
            case incompatible
        }

        private let kind: Kind

        /// The file is missing, is a folder, or cannot be read.
        public static let unreadable = Code(kind: .unreadable)
        /// The file is over `BaselineReader.maxBytes`.
        public static let tooLarge = Code(kind: .tooLarge)
        /// The file is not JSON, or not shaped like a probe's JSON report.
        public static let notAReport = Code(kind: .notAReport)
        /// A JSON report, but written by another tool.
        public static let incompatible = Code(kind: .incompatible)

        /// The code's name; safe to log.
        public var description: String { kind.rawValue }
    }

    public let code: Code
    /// The file as given on the command line.
    public let path: String
    /// What is wrong, after the path (`is not JSON`).
    public let message: String
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: Int

    public init(_ code: Code, path: String, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.path = path
        self.message = message
        self.file = file
        self.line = line
    }

    /// `--baseline PATH: MESSAGE`, one line.
    public var description: String { "--baseline \(path): \(message)" }

    public static func == (lhs: BaselineError, rhs: BaselineError) -> Bool {
        lhs.code == rhs.code && lhs.path == rhs.path && lhs.message == rhs.message
    }
}
