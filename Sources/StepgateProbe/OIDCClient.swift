import Foundation
// Public: the client is built from the run's `Clock` and `RandomSource`.
public import StepgateCore
public import StepgateCrypto
import Synchronization

/// The OpenID Connect client the probe acts as (OIDC Core §3.1, RFC 6749, RFC 7636, RFC 7009):
/// authorization requests, the token endpoint, userinfo, revocation, and the provider's keys.
public final class OIDCClient: Sendable {
    public let target: TargetDescription
    public let metadata: ProviderMetadata
    let random: any RandomSource
    let clock: any Clock
    private let cachedKeys = Mutex<JWKSet?>(nil)

    public init(
        target: TargetDescription,
        metadata: ProviderMetadata,
        random: any RandomSource,
        clock: any Clock
    ) {
        self.target = target
        self.metadata = metadata
        self.random = random
        self.clock = clock
    }

    /// Reads the discovery document at issuer + `/.well-known/openid-configuration`.
    public static func discover(
        _ session: ClientSession,
        target: TargetDescription,
        random: any RandomSource,
        clock: any Clock
    ) throws(ProbeError) -> OIDCClient {
        let response = try session.get(
            target.issuer + "/.well-known/openid-configuration",
            accept: .json,
            note: "discovery"
        )
        guard response.status == 200, let document = response.json else {
            throw ProbeError(
                .discovery,
                "discovery answered \(response.status), not a JSON document"
            )
        }
        let metadata = try ProviderMetadata(document: document, expectedIssuer: target.issuer)
        return OIDCClient(target: target, metadata: metadata, random: random, clock: clock)
    }

    /// Fresh parameters for a request at `acr` (space-separated levels) and `maxAge`.
    public func parameters(acr: String? = nil, maxAge: Int? = nil) -> AuthorizationParameters {
        AuthorizationParameters(random: random, acrValues: acr, maxAge: maxAge)
    }

    /// The authorization request URL.
    public func authorizationURL(_ parameters: AuthorizationParameters) -> String {
        URLText.appendingQuery(
            metadata.authorizationEndpoint,
            parameters.query(client: target.client)
        )
    }

    /// Sends the authorization request in `session` and says where it led.
    public func authorize(
        _ session: ClientSession,
        _ parameters: AuthorizationParameters,
        note: String? = nil
    )
        throws(ProbeError) -> AuthorizationStep
    {
        let response = try session.get(
            authorizationURL(parameters),
            note: note ?? "authorization request"
        )
        return step(response, redirectURI: parameters.redirectURI ?? target.client.redirectURI)
    }

    /// Classifies a response of the authorization or sign-in pages.
    public func step(_ response: ProbeResponse, redirectURI: String) -> AuthorizationStep {
        guard response.isRedirect, let location = response.location else { return .page(response) }
        if Self.isCallback(location, redirectURI: redirectURI) {
            return .callback(AuthorizationCallback(location: location), location: location)
        }
        if URLText.origin(location) == URLText.origin(target.issuer) { return .login(location) }
        return .redirect(location)
    }

    /// Whether `location` is `redirectURI` with parameters added (query or fragment).
    public static func isCallback(_ location: String, redirectURI: String) -> Bool {
        guard location.hasPrefix(redirectURI) else { return false }
        let rest = location.dropFirst(redirectURI.count)
        return rest.isEmpty || rest.first == "?" || rest.first == "&" || rest.first == "#"
    }

    /// Redeems `code` (RFC 6749 §4.1.3) with `verifier` and `redirectURI` (the client's when nil).
    public func redeem(
        _ session: ClientSession,
        code: String,
        verifier: String?,
        redirectURI: String? = nil,
        note: String? = nil
    ) throws(ProbeError) -> TokenResponse {
        var fields = [
            ("grant_type", "authorization_code"), ("code", code),
            ("redirect_uri", redirectURI ?? target.client.redirectURI),
        ]
        if let verifier { fields.append(("code_verifier", verifier)) }
        return try tokenRequest(session, fields, note: note ?? "redeem the code")
    }

    /// Uses `refreshToken` (RFC 6749 §6).
    public func refresh(_ session: ClientSession, refreshToken: String, note: String? = nil)
        throws(ProbeError)
        -> TokenResponse
    {
        try tokenRequest(
            session,
            [("grant_type", "refresh_token"), ("refresh_token", refreshToken)],
            note: note ?? "refresh"
        )
    }

    /// Revokes `token` (RFC 7009 §2.1); nil when the provider names no revocation endpoint.
    public func revoke(_ session: ClientSession, token: String, hint: String?, note: String? = nil)
        throws(ProbeError) -> ProbeResponse?
    {
        guard let endpoint = metadata.revocationEndpoint else { return nil }
        var fields = [("token", token)]
        if let hint { fields.append(("token_type_hint", hint)) }
        return try session.postForm(
            endpoint,
            clientFields(fields),
            headers: clientHeaders,
            accept: .json,
            note: note ?? "revoke"
        )
    }

    /// Calls userinfo with `accessToken`; nil when the provider names no userinfo endpoint.
    public func userinfo(_ session: ClientSession, accessToken: String) throws(ProbeError)
        -> ProbeResponse?
    {
        guard let endpoint = metadata.userinfoEndpoint else { return nil }
        return try session.send(
            "GET",
            endpoint,
            headers: [("Authorization", "Bearer \(accessToken)")],
            accept: .json,
            note: "userinfo"
        )
    }

    /// The provider's signing keys, fetched once.
    public func keys(_ session: ClientSession) throws(ProbeError) -> JWKSet {
        if let keys = cachedKeys.withLock({ $0 }) { return keys }
        guard let uri = metadata.jwksURI else { throw ProbeError(.discovery, "jwks_uri missing") }
        let response = try session.get(uri, accept: .json, note: "JWKS")
        guard response.status == 200, let json = response.json, let keys = try? JWKSet(json: json)
        else {
            throw ProbeError(
                .discovery,
                "JWKS answered \(response.status) or holds no usable ES256 key"
            )
        }
        cachedKeys.withLock { $0 = keys }
        return keys
    }

    /// The ID token of `tokens` read and checked (signature, iss, aud, exp, nonce).
    public func verifyIDToken(_ tokens: TokenSet, nonce: String?, session: ClientSession)
        throws(ProbeError)
        -> TokenClaims
    {
        guard let idToken = tokens.idToken else {
            throw ProbeError(.verification, "no ID token in the response")
        }
        guard let claims = try TokenClaims.read(idToken, keys: try? keys(session)) else {
            throw ProbeError(.verification, "the ID token is not a JWT")
        }
        try claims.checkIDToken(
            issuer: target.issuer,
            clientID: target.client.id,
            nonce: nonce,
            now: clock.now
        )
        return claims
    }

    /// The access token's claims when it is a JWT (signature checked for ES256); nil when opaque.
    public func readAccessToken(_ tokens: TokenSet, session: ClientSession) throws(ProbeError)
        -> TokenClaims?
    {
        try TokenClaims.read(tokens.accessToken, keys: try? keys(session))
    }

    private func tokenRequest(_ session: ClientSession, _ fields: [(String, String)], note: String)
        throws(ProbeError) -> TokenResponse
    {
        let response = try session.postForm(
            metadata.tokenEndpoint,
            clientFields(fields),
            headers: clientHeaders,
            accept: .json,
            note: note
        )
        return TokenResponse(status: response.status, json: response.json)
    }

    /// The client's fields: `client_id` for a public client (RFC 6749 §2.3 `none`).
    private func clientFields(_ fields: [(String, String)]) -> [(String, String)] {
        target.client.secret == nil ? fields + [("client_id", target.client.id)] : fields
    }

    /// `client_secret_basic` for a confidential client (RFC 6749 §2.3.1).
    private var clientHeaders: [(String, String)] {
        guard let secret = target.client.secret else { return [] }
        let pair =
            URLText.percentEncode(target.client.id) + ":" + URLText.percentEncode(secret.revealed)
        return [("Authorization", "Basic " + Data(pair.utf8).base64EncodedString())]
    }
}
