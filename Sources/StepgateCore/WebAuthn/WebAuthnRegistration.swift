// COSEAlgorithm appears in the public API.
public import StepgateCrypto

/// One registration ceremony to verify: what the relying party asked for, and what the
/// browser returned from `navigator.credentials.create()` (WebAuthn §7.1).
public struct WebAuthnRegistration: Sendable, Hashable {
    /// The challenge the relying party issued for this ceremony (`WebAuthnChallenge.bytes`).
    /// Consuming it once, and its expiry, are the caller's to enforce.
    public var challenge: [UInt8]
    /// The user handle sent as `user.id`; copied into the new record.
    public var userHandle: [UInt8]
    /// Whether the UV flag must be set (`userVerification: "required"`).
    public var requiresUserVerification: Bool
    /// The algorithms offered in `pubKeyCredParams`; a key of any other is refused.
    public var allowedAlgorithms: [COSEAlgorithm]
    /// `response.clientDataJSON`, as bytes.
    public var clientDataJSON: [UInt8]
    /// `response.attestationObject`, as bytes.
    public var attestationObject: [UInt8]
    /// `response.getTransports()`; not signed, kept only as a hint.
    public var transports: [String]

    /// A ceremony to verify; `allowedAlgorithms` defaults to every supported one, and
    /// `transports` to none.
    public init(
        challenge: [UInt8],
        userHandle: [UInt8],
        requiresUserVerification: Bool,
        clientDataJSON: [UInt8],
        attestationObject: [UInt8],
        allowedAlgorithms: [COSEAlgorithm] = COSEAlgorithm.supported,
        transports: [String] = []
    ) {
        self.challenge = challenge
        self.userHandle = userHandle
        self.requiresUserVerification = requiresUserVerification
        self.allowedAlgorithms = allowedAlgorithms
        self.clientDataJSON = clientDataJSON
        self.attestationObject = attestationObject
        self.transports = transports
    }
}
