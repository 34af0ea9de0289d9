/// One authentication ceremony to verify: what the relying party asked for, and what the
/// browser returned from `navigator.credentials.get()` (WebAuthn §7.2).
public struct WebAuthnAssertion: Sendable, Hashable {
    /// The challenge the relying party issued for this ceremony (`WebAuthnChallenge.bytes`).
    /// Consuming it once, and its expiry, are the caller's to enforce.
    public var challenge: [UInt8]
    /// Whether the UV flag must be set (`userVerification: "required"`).
    public var requiresUserVerification: Bool
    /// `rawId`: the credential the browser used. The caller finds the record by it, within
    /// the account being authenticated.
    public var credentialID: [UInt8]
    /// `response.clientDataJSON`, as bytes.
    public var clientDataJSON: [UInt8]
    /// `response.authenticatorData`, as bytes.
    public var authenticatorData: [UInt8]
    /// `response.signature`, as bytes.
    public var signature: [UInt8]
    /// `response.userHandle`, or nil when the browser sent none (`null`).
    public var userHandle: [UInt8]?

    /// A ceremony to verify.
    public init(
        challenge: [UInt8],
        requiresUserVerification: Bool,
        credentialID: [UInt8],
        clientDataJSON: [UInt8],
        authenticatorData: [UInt8],
        signature: [UInt8],
        userHandle: [UInt8]?
    ) {
        self.challenge = challenge
        self.requiresUserVerification = requiresUserVerification
        self.credentialID = credentialID
        self.clientDataJSON = clientDataJSON
        self.authenticatorData = authenticatorData
        self.signature = signature
        self.userHandle = userHandle
    }
}
