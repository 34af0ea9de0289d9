// CBORValue appears in the public API (the extensions map).
public import StepgateCrypto

/// The authenticator data of a registration or an assertion (WebAuthn §6.1), parsed strictly.
///
/// Layout: rpIdHash (32 bytes), flags (1), signCount (4, big-endian), then attested credential
/// data when AT is set and an extensions CBOR map when ED is set, and nothing after.
public struct AuthenticatorData: Sendable, Hashable {
    /// The flags byte (WebAuthn §6.1, "flags").
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8

        public init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        /// UP, bit 0: the user was present.
        public static let userPresent = Flags(rawValue: 0x01)
        /// UV, bit 2: the user was verified (PIN, biometric, ...).
        public static let userVerified = Flags(rawValue: 0x04)
        /// BE, bit 3: the credential may be backed up (synced); fixed for its lifetime.
        public static let backupEligible = Flags(rawValue: 0x08)
        /// BS, bit 4: the credential is backed up now.
        public static let backedUp = Flags(rawValue: 0x10)
        /// AT, bit 6: attested credential data follows.
        public static let attestedCredentialData = Flags(rawValue: 0x40)
        /// ED, bit 7: an extensions map follows.
        public static let extensionData = Flags(rawValue: 0x80)
    }

    /// The longest credential ID accepted (WebAuthn Level 3 §7.1 step 25).
    public static let maximumCredentialIDLength = 1023

    /// The authenticator data exactly as received; signatures cover these bytes.
    public let bytes: [UInt8]
    /// SHA-256 of the RP ID the authenticator scoped the credential to.
    public let rpIDHash: [UInt8]
    /// The flags.
    public let flags: Flags
    /// The signature counter; 0 when the authenticator keeps none.
    public let signCount: UInt32
    /// The new credential, present when AT is set (registrations).
    public let attestedCredentialData: AttestedCredentialData?
    /// The authenticator extension outputs, present when ED is set; always a map.
    public let extensions: CBORValue?

    /// Whether UP is set.
    public var isUserPresent: Bool { flags.contains(.userPresent) }
    /// Whether UV is set.
    public var isUserVerified: Bool { flags.contains(.userVerified) }
    /// Whether BE is set.
    public var isBackupEligible: Bool { flags.contains(.backupEligible) }
    /// Whether BS is set.
    public var isBackedUp: Bool { flags.contains(.backedUp) }

    /// The authenticator data in `bytes`.
    ///
    /// Throws `WebAuthnError`: `.backupStateWithoutEligibility` when BS is set without BE;
    /// `.unsupportedAlgorithm` when the credential key's type, curve or algorithm is not
    /// supported (or an RSA key is under 2048 bits); `.malformed` for anything else that does
    /// not fit the layout, including a credential ID over 1023 bytes and trailing bytes.
    public init(bytes: [UInt8]) throws(WebAuthnError) {
        guard bytes.count >= 37 else {
            throw WebAuthnError(.malformed, "authenticator data shorter than 37 bytes")
        }
        let flags = Flags(rawValue: bytes[32])
        // §7.1 step 16, §7.2 step 17: if BE is not set, BS must not be set.
        guard !flags.contains(.backedUp) || flags.contains(.backupEligible) else {
            throw WebAuthnError(.backupStateWithoutEligibility, "BS set without BE")
        }
        var reader = ByteReader(bytes, from: 37)
        var credential: AttestedCredentialData?
        if flags.contains(.attestedCredentialData) {
            credential = try AttestedCredentialData(reading: &reader)
        }
        var extensions: CBORValue?
        if flags.contains(.extensionData) {
            extensions = try Self.readExtensions(&reader)
        }
        guard reader.isAtEnd else {
            throw WebAuthnError(.malformed, "bytes after the authenticator data's last part")
        }
        self.bytes = bytes
        self.rpIDHash = Array(bytes[0..<32])
        self.flags = flags
        self.signCount = bytes[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        self.attestedCredentialData = credential
        self.extensions = extensions
    }

    private static func readExtensions(_ reader: inout ByteReader) throws(WebAuthnError) -> CBORValue {
        let (value, consumed): (CBORValue, Int)
        do {
            (value, consumed) = try CBORValue.decodePrefix(of: reader.rest)
        } catch {
            throw WebAuthnError(.malformed, "extensions are not CBOR (\(error.code))")
        }
        guard value.mapValue != nil else { throw WebAuthnError(.malformed, "extensions are not a map") }
        reader.skip(consumed)
        return value
    }
}
