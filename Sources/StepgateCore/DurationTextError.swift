/// Why a duration such as `15m` could not be read; the message never echoes the input.
public struct DurationTextError: Error, Sendable, CustomStringConvertible {
    /// What was wrong with the text.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case empty
            case negative
            case malformed
            case unknownUnit
            case tooLarge
        }

        private let kind: Kind

        /// The text is empty.
        public static let empty = Code(kind: .empty)
        /// The text starts with a minus sign.
        public static let negative = Code(kind: .negative)
        /// The text is not digits followed by at most one unit letter.
        public static let malformed = Code(kind: .malformed)
        /// The unit letter is not `s`, `m`, `h` or `d`.
        public static let unknownUnit = Code(kind: .unknownUnit)
        /// The duration exceeds `DurationText.maximum`.
        public static let tooLarge = Code(kind: .tooLarge)

        /// The code's name; safe to log.
        public var description: String { kind.rawValue }
    }

    /// What was wrong.
    public let code: Code
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: Int

    /// An error of `code`.
    public init(_ code: Code, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.file = file
        self.line = line
    }

    /// What was wrong and the form expected, e.g. for a configuration error.
    public var description: String {
        let problem =
            switch code {
            case .empty: "the duration is empty"
            case .negative: "the duration is negative"
            case .unknownUnit: "the unit is not s, m, h or d"
            case .tooLarge: "the duration is longer than 100 years"
            default: "the duration is not a whole number with an optional unit"
            }
        return problem + "; expected a whole number with an optional unit s, m, h or d, "
            + "such as 300, 90s, 15m, 24h, 30d"
    }
}
