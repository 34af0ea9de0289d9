/// What came back to the redirect URI (RFC 6749 §4.1.2, §4.1.2.1; RFC 9207 `iss`).
///
/// The probe reads it from the `Location` header and never follows it.
public struct AuthorizationCallback: Sendable, Equatable {
    public var code: String?
    public var state: String?
    public var issuer: String?
    public var error: String?
    public var errorDescription: String?

    /// The parameters of `location`'s query.
    public init(location: String) {
        let items = URLText.queryItems(location)
        func first(_ name: String) -> String? { items.first { $0.0 == name }?.1 }
        code = first("code")
        state = first("state")
        issuer = first("iss")
        error = first("error")
        errorDescription = first("error_description")
    }

    public init(code: String? = nil, state: String? = nil, error: String? = nil) {
        self.code = code
        self.state = state
        self.error = error
    }
}
