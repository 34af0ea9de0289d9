/// Why bytes are not acceptable JSON, and where.
///
/// Carries a code and a byte offset only, never any of the input, so it is safe to log even
/// when the input held a secret.
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, as a stable identifier.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case unexpectedEnd
            case unexpectedByte
            case trailingData
            case invalidUTF8
            case invalidEscape
            case loneSurrogate
            case controlCharacter
            case leadingZero
            case invalidNumber
            case numberOutOfRange
            case duplicateKey
            case tooDeep
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// The input ended inside a value.
        public static let unexpectedEnd = Code(.unexpectedEnd)
        /// A byte that cannot start or continue a value here (this covers `NaN` and `Infinity`).
        public static let unexpectedByte = Code(.unexpectedByte)
        /// Something other than whitespace follows the top-level value.
        public static let trailingData = Code(.trailingData)
        /// A string holds bytes that are not well-formed UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// A backslash escape other than those of RFC 8259 §7.
        public static let invalidEscape = Code(.invalidEscape)
        /// A `\u` escape of a UTF-16 surrogate without its partner.
        public static let loneSurrogate = Code(.loneSurrogate)
        /// An unescaped control character (U+0000 to U+001F) inside a string.
        public static let controlCharacter = Code(.controlCharacter)
        /// A number with a superfluous leading zero, such as `01`.
        public static let leadingZero = Code(.leadingZero)
        /// A number that breaks the RFC 8259 §6 grammar, such as `1.` or `-`.
        public static let invalidNumber = Code(.invalidNumber)
        /// An integer outside Int64, or a number too large for a finite Double.
        public static let numberOutOfRange = Code(.numberOutOfRange)
        /// An object names the same member twice.
        public static let duplicateKey = Code(.duplicateKey)
        /// Arrays and objects nest deeper than the allowed depth.
        public static let tooDeep = Code(.tooDeep)

        public var description: String { value.rawValue }
    }

    /// What was wrong.
    public let code: Code
    /// Byte offset into the input where the problem was found.
    public let offset: Int

    /// An error of `code` at byte `offset`.
    public init(_ code: Code, offset: Int) {
        self.code = code
        self.offset = offset
    }

    public var description: String { "JSONError(\(code) at byte \(offset))" }
}
