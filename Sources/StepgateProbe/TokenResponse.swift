// Public: built from the response body as a `JSONValue`.
public import StepgateCrypto

/// What the token endpoint answered: the status and, for 200, the tokens; else the error code.
public struct TokenResponse: Sendable {
    public var status: Int
    public var tokens: TokenSet?
    /// RFC 6749 §5.2 `error`, when the response carries one.
    public var error: String?

    public init(status: Int, json: JSONValue?) {
        self.status = status
        tokens = status == 200 ? json.flatMap(TokenSet.init(json:)) : nil
        error = json?["error"]?.stringValue
    }
}
