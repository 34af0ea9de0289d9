/// A cookie that could not be parsed or rendered. Never holds a cookie name or value.
public struct CookieError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure.
    public enum Code: String, Sendable {
        /// A name appeared twice in one `Cookie` header, so which value is meant is ambiguous.
        case duplicateName
        /// A name that is not an RFC 9110 token.
        case invalidName
        /// A value with characters outside RFC 6265 §4.1.1 cookie-octets.
        case invalidValue
        /// A path with control characters or `;`.
        case invalidPath
        /// Attributes that browsers reject together, such as `SameSite=None` without `Secure`.
        case invalidAttributes
    }

    public let code: Code
    /// Internal detail for logs; never the cookie itself.
    public let detail: String

    public init(_ code: Code, _ detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "CookieError(\(code.rawValue))" : "CookieError(\(code.rawValue): \(detail))"
    }
}
