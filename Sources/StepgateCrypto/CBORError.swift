/// Why bytes are not acceptable CBOR (RFC 8949), and where.
///
/// Carries a code and a byte offset only, never any of the input, so it is safe to log.
public struct CBORError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, as a stable identifier.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case truncated
            case malformed
            case indefiniteLength
            case tooDeep
            case tooManyItems
            case duplicateMapKey
            case invalidUTF8
            case trailingBytes
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// The input ended inside an item, or a length or count claims more than is left.
        public static let truncated = Code(.truncated)
        /// Not well-formed: a reserved additional-information value (28 to 30), a simple value
        /// below 32 written in two bytes, a stray "break" byte, or an integer head marked
        /// indefinite.
        public static let malformed = Code(.malformed)
        /// An indefinite-length string, array or map; CTAP2 canonical CBOR never uses them.
        public static let indefiniteLength = Code(.indefiniteLength)
        /// Arrays, maps and tags nest deeper than the allowed depth.
        public static let tooDeep = Code(.tooDeep)
        /// The input holds more data items than allowed.
        public static let tooManyItems = Code(.tooManyItems)
        /// A map holds the same key twice.
        public static let duplicateMapKey = Code(.duplicateMapKey)
        /// A text string holds bytes that are not well-formed UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// Bytes follow the one item where none are allowed.
        public static let trailingBytes = Code(.trailingBytes)

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

    public var description: String { "CBORError(\(code) at byte \(offset))" }
}
