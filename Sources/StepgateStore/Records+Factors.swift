public import Foundation

/// A WebAuthn public-key credential registered by a user: a security key or a passkey.
public struct WebAuthnCredentialRecord: Sendable, Hashable {
    /// Stepgate's own ID for the credential (what pages and the audit log name).
    public var id: String
    public var userID: String
    /// The authenticator's credential ID (WebAuthn §4 "Credential ID"), unique across users.
    public var credentialID: [UInt8]
    /// The credential public key as the authenticator sent it (a COSE_Key, CBOR).
    public var publicKey: [UInt8]
    /// The COSE algorithm identifier (-7 ES256, -8 EdDSA, -257 RS256).
    public var algorithm: Int64
    /// The last signature counter accepted (0 for authenticators that keep none).
    public var signCount: Int64
    /// The authenticator model's AAGUID, 16 bytes (all zero when the authenticator hides it).
    public var aaguid: [UInt8]
    /// Backup eligible (BE) at registration: a synced passkey. Fixed for the credential's life.
    public var backupEligible: Bool
    /// Backed up (BS), as last seen.
    public var backupState: Bool
    /// Whether the authenticator verified the user at registration (UV).
    public var userVerifying: Bool
    /// Transports the browser reported (`usb`, `nfc`, `ble`, `internal`, `hybrid`).
    public var transports: [String]
    /// `none` or `packed`.
    public var attestationFormat: String
    /// `none`, `self` or `basic` (basic: an attestation certificate, not checked against a root).
    public var attestationType: String
    /// `security_key` or `passkey`, as the user chose when adding it.
    public var kind: String
    /// The user's name for it.
    public var label: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    /// When it was disabled (for a signature counter that went backwards: a cloned key); nil
    /// while it works.
    public var disabledAt: Date?
    /// A fixed code for why it was disabled, such as `counter_regressed`.
    public var disabledReason: String?

    public init(
        id: String,
        userID: String,
        credentialID: [UInt8],
        publicKey: [UInt8],
        algorithm: Int64,
        signCount: Int64,
        aaguid: [UInt8],
        backupEligible: Bool,
        backupState: Bool,
        userVerifying: Bool,
        transports: [String],
        attestationFormat: String,
        attestationType: String,
        kind: String,
        label: String,
        createdAt: Date,
        lastUsedAt: Date? = nil,
        disabledAt: Date? = nil,
        disabledReason: String? = nil
    ) {
        self.id = id
        self.userID = userID
        self.credentialID = credentialID
        self.publicKey = publicKey
        self.algorithm = algorithm
        self.signCount = signCount
        self.aaguid = aaguid
        self.backupEligible = backupEligible
        self.backupState = backupState
        self.userVerifying = userVerifying
        self.transports = transports
        self.attestationFormat = attestationFormat
        self.attestationType = attestationType
        self.kind = kind
        self.label = label
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.disabledAt = disabledAt
        self.disabledReason = disabledReason
    }
}

/// One WebAuthn ceremony in progress: the challenge a page was given, bound to the session that
/// asked for it, used once.
public struct WebAuthnCeremonyRecord: Sendable, Hashable {
    public enum Purpose: String, Sendable {
        case register
        case authenticate
    }

    public var id: String
    public var sessionIDHash: [UInt8]
    public var userID: String
    public var purpose: Purpose
    /// SHA-256 of the challenge bytes; the challenge itself is not kept.
    public var challengeHash: [UInt8]
    /// The flow the ceremony answers, for sign-in and step-up; nil for enrolment.
    public var flowID: String?
    /// The transaction the challenge is bound to (dynamic linking), when there is one.
    public var transactionHash: String?
    /// Whether the ceremony must verify the user (UV).
    public var userVerificationRequired: Bool
    public var createdAt: Date
    public var expiresAt: Date
    public var consumedAt: Date?

    public init(
        id: String,
        sessionIDHash: [UInt8],
        userID: String,
        purpose: Purpose,
        challengeHash: [UInt8],
        flowID: String?,
        transactionHash: String?,
        userVerificationRequired: Bool,
        createdAt: Date,
        expiresAt: Date,
        consumedAt: Date? = nil
    ) {
        self.id = id
        self.sessionIDHash = sessionIDHash
        self.userID = userID
        self.purpose = purpose
        self.challengeHash = challengeHash
        self.flowID = flowID
        self.transactionHash = transactionHash
        self.userVerificationRequired = userVerificationRequired
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.consumedAt = consumedAt
    }
}

/// A one-time code sent by SMS or e-mail, kept as a keyed hash, bound to a session and a flow.
public struct OneTimeCodeRecord: Sendable, Hashable {
    public var id: String
    public var userID: String
    /// The `sms` or `email` factor it went to.
    public var factorID: String
    public var sessionIDHash: [UInt8]
    /// The flow it answers; nil for a code that confirms a new phone number or address.
    public var flowID: String?
    /// HMAC-SHA256 of the code under a key derived from the master key.
    public var codeHash: [UInt8]
    /// Wrong answers so far.
    public var attempts: Int
    public var createdAt: Date
    public var expiresAt: Date
    public var consumedAt: Date?

    public init(
        id: String,
        userID: String,
        factorID: String,
        sessionIDHash: [UInt8],
        flowID: String?,
        codeHash: [UInt8],
        attempts: Int,
        createdAt: Date,
        expiresAt: Date,
        consumedAt: Date? = nil
    ) {
        self.id = id
        self.userID = userID
        self.factorID = factorID
        self.sessionIDHash = sessionIDHash
        self.flowID = flowID
        self.codeHash = codeHash
        self.attempts = attempts
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.consumedAt = consumedAt
    }
}

/// How answering a one-time code went.
public enum OneTimeCodeAnswer: Sendable, Hashable {
    /// The code matched and is now used up.
    case accepted(OneTimeCodeRecord)
    /// The code did not match; one attempt was spent.
    case wrong(attempts: Int)
    /// No open code: none was sent for this session and factor, it expired, was used, or its
    /// attempts ran out. Nothing was changed.
    case unavailable
}

/// How many recovery codes a user has.
public struct RecoveryCodeCount: Sendable, Hashable {
    public var unused: Int
    public var total: Int

    public init(unused: Int, total: Int) {
        self.unused = unused
        self.total = total
    }
}
