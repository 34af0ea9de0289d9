// Public: the initializer takes a `RandomSource` for state, nonce and the PKCE verifier.
public import StepgateCrypto
import StepgateCore

/// What one `/authorize` request sends (OIDC Core §3.1.2.1, RFC 7636, RFC 9396), with its
/// secrets made fresh: `state`, `nonce` and the PKCE verifier. Cases change any member to
/// build the request they attack with.
public struct AuthorizationParameters: Sendable {
    public var scope = "openid"
    public var responseType = "code"
    /// Space-separated levels, or nil to send none.
    public var acrValues: String?
    public var maxAge: Int?
    /// `login`, `none`, or nil.
    public var prompt: String?
    public var state: String?
    public var nonce: String?
    /// Nil for the client's registered redirect URI.
    public var redirectURI: String?
    /// Nil for the client's ID.
    public var clientID: String?
    /// The PKCE verifier (RFC 7636 §4.1); the token request sends it.
    public var codeVerifier: String
    /// Nil to send no `code_challenge_method`.
    public var codeChallengeMethod: String? = "S256"
    /// Nil to send the S256 challenge of `codeVerifier`; set to send another (or, with `omit`, none).
    public var codeChallenge: String?
    /// Whether to leave `code_challenge` out entirely.
    public var omitCodeChallenge = false
    /// JSON text of RFC 9396 `authorization_details`.
    public var authorizationDetails: String?
    /// More parameters, sent last.
    public var extra: [(String, String)] = []

    /// Fresh `state`, `nonce` and verifier from `random`.
    public init(random: any RandomSource, acrValues: String? = nil, maxAge: Int? = nil) {
        state = random.token(byteCount: 16)
        nonce = random.token(byteCount: 16)
        codeVerifier = random.token(byteCount: 32)
        self.acrValues = acrValues
        self.maxAge = maxAge
    }

    /// The query of the request for `client`, in a fixed order.
    func query(client: TargetDescription.Client) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("response_type", responseType), ("client_id", clientID ?? client.id),
            ("redirect_uri", redirectURI ?? client.redirectURI), ("scope", scope),
        ]
        if let state { fields.append(("state", state)) }
        if let nonce { fields.append(("nonce", nonce)) }
        if !omitCodeChallenge {
            fields.append(("code_challenge", codeChallenge ?? PKCE.challenge(for: codeVerifier)))
        }
        if let codeChallengeMethod { fields.append(("code_challenge_method", codeChallengeMethod)) }
        if let acrValues { fields.append(("acr_values", acrValues)) }
        if let maxAge { fields.append(("max_age", String(maxAge))) }
        if let prompt { fields.append(("prompt", prompt)) }
        if let authorizationDetails {
            fields.append(("authorization_details", authorizationDetails))
        }
        return fields + extra
    }
}
