/// A form, query string or request body that could not be parsed. Never holds the input text.
public struct HTTPFormError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// A `%` not followed by two hexadecimal digits.
        case invalidPercentEncoding
        /// A decoded name or value is not valid UTF-8.
        case invalidUTF8
        /// More fields than `FormData.maximumFieldCount`.
        case tooManyFields
        /// A field that must appear at most once appeared again (RFC 6749 §3.1).
        case duplicateField
        /// The body's `Content-Type` is not `application/x-www-form-urlencoded`.
        case unsupportedContentType
    }

    public let code: Code
    /// Internal detail for logs: a position or a count, never the input.
    public let detail: String

    public init(_ code: Code, _ detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "HTTPFormError(\(code.rawValue))" : "HTTPFormError(\(code.rawValue): \(detail))"
    }
}
