/// Why `YAMLReader` refused a document. Holds a code, the line, and libyaml's fixed problem
/// text at most; never the document's content, which may hold a secret.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Code: String, Sendable {
        /// Larger than the reader's byte limit.
        case tooLarge
        /// Not well-formed YAML (libyaml's scanner or parser stopped).
        case syntax
        /// An anchor (`&a`) or an alias (`*a`): refused, so no document can expand itself.
        case anchorOrAlias
        /// An explicit tag (`!!str`, `!x`): refused, the reader resolves no types.
        case tag
        /// Nested deeper than the reader's depth limit.
        case tooDeep
        /// More nodes than the reader's node limit.
        case tooManyNodes
        /// A mapping key that is not a scalar.
        case complexKey
        /// The same key twice in one mapping.
        case duplicateKey
        /// No document, or more than one.
        case documentCount
        /// Not UTF-8 text, or a NUL byte.
        case encoding
    }

    public let code: Code
    /// The 1-based line where the problem was found; 0 when it has none.
    public let line: Int
    /// Fixed text for people: libyaml's problem description or the reader's own.
    public let detail: String

    public init(_ code: Code, line: Int, _ detail: String) {
        self.code = code
        self.line = line
        self.detail = detail
    }

    public var description: String {
        line > 0 ? "line \(line): \(detail)" : detail
    }
}
