// Public: the token response is kept as a `JSONValue`.
public import StepgateCrypto

/// A successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3).
public struct TokenSet: Sendable {
    public var accessToken: String
    public var idToken: String?
    public var refreshToken: String?
    public var scope: String?
    /// RFC 9396 `authorization_details`, when the response carries them.
    public var authorizationDetails: JSONValue?
    public var response: JSONValue

    /// The tokens of a 200 response body; nil when `access_token` is missing.
    public init?(json: JSONValue) {
        guard let access = json["access_token"]?.stringValue, !access.isEmpty else { return nil }
        accessToken = access
        idToken = json["id_token"]?.stringValue
        refreshToken = json["refresh_token"]?.stringValue
        scope = json["scope"]?.stringValue
        authorizationDetails = json["authorization_details"]
        response = json
    }
}
