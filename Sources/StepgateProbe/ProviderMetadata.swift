// Public: the raw document is kept as a `JSONValue`.
public import StepgateCrypto

/// The parts of a provider's discovery document (OpenID Connect Discovery 1.0 §3) the probe uses.
public struct ProviderMetadata: Sendable {
    public var issuer: String
    public var authorizationEndpoint: String
    public var tokenEndpoint: String
    public var userinfoEndpoint: String?
    public var jwksURI: String?
    public var revocationEndpoint: String?
    /// In the provider's order; the probe takes it as lowest first unless the target says otherwise.
    public var acrValuesSupported: [String]
    public var codeChallengeMethodsSupported: [String]
    /// The whole document.
    public var document: JSONValue

    /// The metadata in `document`, which must name `issuer` exactly (§4.3).
    ///
    /// - Throws: `ProbeError.discovery` naming the member that is missing or wrong.
    public init(document: JSONValue, expectedIssuer: String) throws(ProbeError) {
        func string(_ name: String) -> String? { document[name]?.stringValue }
        func strings(_ name: String) -> [String] {
            document[name]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        guard let issuer = string("issuer") else { throw ProbeError(.discovery, "issuer missing") }
        guard issuer == expectedIssuer else {
            throw ProbeError(
                .discovery,
                "issuer differs from the target file's (OIDC Discovery §4.3)"
            )
        }
        guard let authorization = string("authorization_endpoint"),
            let token = string("token_endpoint")
        else {
            throw ProbeError(.discovery, "authorization_endpoint or token_endpoint missing")
        }
        self.issuer = issuer
        authorizationEndpoint = authorization
        tokenEndpoint = token
        userinfoEndpoint = string("userinfo_endpoint")
        jwksURI = string("jwks_uri")
        revocationEndpoint = string("revocation_endpoint")
        acrValuesSupported = strings("acr_values_supported")
        codeChallengeMethodsSupported = strings("code_challenge_methods_supported")
        self.document = document
    }
}
