/// Field names of audit records, dotted like `LogKey`; the only keys records use.
///
/// Values are identifiers, levels and fixed reason codes. Never a password, one-time code,
/// seed, token, cookie, session ID, authorization code or request body.
public enum AuditKey {
    public static let requestID = "request.id"
    public static let clientID = "oidc.client_id"
    public static let subject = "user.id"
    /// The level the client asked for.
    public static let requestedACR = "oidc.acr_requested"
    /// The level proved or carried by a grant.
    public static let acr = "oidc.acr"
    /// Space-separated RFC 8176 method values.
    public static let amr = "oidc.amr"
    public static let maxAge = "oidc.max_age"
    public static let prompt = "oidc.prompt"
    public static let grantType = "oidc.grant_type"
    public static let flowID = "flow.id"
    public static let stepUpMethod = "stepup.method"
    /// A fixed, lower-case reason code such as `wrong_password`.
    public static let reason = "reason"
    public static let count = "count"
    /// The policy action a decision or step-up was about.
    public static let action = "policy.action"
    /// Base64url SHA-256 of a bound transaction (docs/policies.md); never the fields themselves.
    public static let transaction = "transaction.hash"
    /// Space-separated risk reason codes, such as `device.new geo.new_country`.
    public static let riskReasons = "risk.reasons"
    public static let riskScore = "risk.score"
    public static let decision = "decision"
    /// How many of something are left, such as unused recovery codes.
    public static let remaining = "remaining"
    /// How many sessions a change ended (a password change ends the user's other sessions).
    public static let sessionsEnded = "sessions.ended"
    /// How many refresh tokens a change revoked.
    public static let refreshTokensRevoked = "refresh_tokens.revoked"
    /// Stepgate's ID of a factor or WebAuthn credential; never its secret, number or address.
    public static let factorID = "factor.id"
    /// `totp`, `sms`, `email`, `security_key`, `passkey` or `recovery_codes`.
    public static let factorKind = "factor.kind"
}
