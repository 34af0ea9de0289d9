/// What a verified attestation statement proves about the authenticator (WebAuthn §6.5.4), as
/// far as Stepgate checks it.
///
/// Stored as its `rawValue`; policy may use it (for instance, to accept only attested keys).
public struct AttestationType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// `none`, `self` or `basic-unverified`.
    public let rawValue: String

    /// The type named `rawValue`.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// No attestation: nothing is known about the authenticator.
    public static let none = AttestationType(rawValue: "none")
    /// Self attestation: the credential key signed its own creation; nothing is known about
    /// the authenticator's make.
    public static let selfAttestation = AttestationType(rawValue: "self")
    /// Basic (or AttCA) attestation whose signature and leaf certificate were checked, but
    /// whose chain was not validated to a trust anchor: the AAGUID and certificate are claims
    /// of the authenticator, not proven.
    public static let basicUnverified = AttestationType(rawValue: "basic-unverified")

    /// `none`, `self` or `basic-unverified`.
    public var description: String { rawValue }
}
