/// What a relying party stores about one registered credential (WebAuthn Level 3 §4,
/// "credential record"), as registration returns it and an assertion is checked against.
///
/// Byte fields are raw bytes; store them as they are (or base64url) and rebuild the record
/// with the memberwise initialiser.
public struct WebAuthnCredential: Sendable, Hashable {
    /// The credential ID, 1 to 1023 bytes; unique across all users.
    public var id: [UInt8]
    /// The user handle (`user.id` at registration) of the account that owns the credential.
    public var userHandle: [UInt8]
    /// The credential public key as a COSE_Key, byte for byte as the authenticator sent it.
    public var publicKey: [UInt8]
    /// The last signature counter seen; 0 when the authenticator keeps none.
    public var signCount: UInt32
    /// The authenticator's AAGUID, 16 bytes; may be all zeros when the client hid it. Unproven
    /// unless the attestation was verified to a trust anchor, which Stepgate does not do.
    public var aaguid: [UInt8]
    /// BE at registration: the credential may be synced (a passkey). Never changes.
    public var isBackupEligible: Bool
    /// BS as last seen: the credential is backed up. May change at each assertion.
    public var isBackedUp: Bool
    /// Whether any ceremony with this credential has verified the user (Level 3
    /// `uvInitialized`).
    public var isUserVerified: Bool
    /// The attestation statement format at registration.
    public var attestationFormat: AttestationFormat
    /// What the attestation proved at registration.
    public var attestationType: AttestationType
    /// The transports the browser reported (`usb`, `nfc`, `ble`, `internal`, `hybrid`, ...),
    /// kept for `allowCredentials` hints; empty when unknown.
    public var transports: [String]

    /// A record with every field given; for rebuilding a stored record.
    public init(
        id: [UInt8],
        userHandle: [UInt8],
        publicKey: [UInt8],
        signCount: UInt32,
        aaguid: [UInt8],
        isBackupEligible: Bool,
        isBackedUp: Bool,
        isUserVerified: Bool,
        attestationFormat: AttestationFormat,
        attestationType: AttestationType,
        transports: [String]
    ) {
        self.id = id
        self.userHandle = userHandle
        self.publicKey = publicKey
        self.signCount = signCount
        self.aaguid = aaguid
        self.isBackupEligible = isBackupEligible
        self.isBackedUp = isBackedUp
        self.isUserVerified = isUserVerified
        self.attestationFormat = attestationFormat
        self.attestationType = attestationType
        self.transports = transports
    }
}
